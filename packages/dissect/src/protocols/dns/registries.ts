/**
 * Names of the numbers a DNS message carries, from IANA's "Domain Name System (DNS) Parameters"
 * registries (RFC 6895 §2): resource record types, classes, opcodes, response codes and EDNS0
 * option codes. A number without a name is written the way RFC 3597 §5 writes unknown types and
 * classes (`TYPE65280`, `CLASS7`); opcodes and rcodes follow the same pattern (`OPCODE3`,
 * `RCODE12`). Names are upper-case as dig and zone files print them.
 */

/** Resource record TYPEs (RFC 1035 §3.2.2 and the registry). */
const TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'A'], [2, 'NS'], [5, 'CNAME'], [6, 'SOA'], [12, 'PTR'], [13, 'HINFO'], [15, 'MX'], [16, 'TXT'],
  [17, 'RP'], [18, 'AFSDB'], [24, 'SIG'], [25, 'KEY'], [28, 'AAAA'], [29, 'LOC'], [33, 'SRV'],
  [35, 'NAPTR'], [36, 'KX'], [37, 'CERT'], [39, 'DNAME'], [41, 'OPT'], [42, 'APL'], [43, 'DS'],
  [44, 'SSHFP'], [45, 'IPSECKEY'], [46, 'RRSIG'], [47, 'NSEC'], [48, 'DNSKEY'], [49, 'DHCID'],
  [50, 'NSEC3'], [51, 'NSEC3PARAM'], [52, 'TLSA'], [53, 'SMIMEA'], [55, 'HIP'], [59, 'CDS'],
  [60, 'CDNSKEY'], [61, 'OPENPGPKEY'], [62, 'CSYNC'], [63, 'ZONEMD'], [64, 'SVCB'], [65, 'HTTPS'],
  [99, 'SPF'], [108, 'EUI48'], [109, 'EUI64'], [249, 'TKEY'], [250, 'TSIG'], [251, 'IXFR'],
  [252, 'AXFR'], [255, 'ANY'], [256, 'URI'], [257, 'CAA'],
]);

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_PTR = 12;
export const TYPE_HINFO = 13;
export const TYPE_MX = 15;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export const TYPE_SRV = 33;
export const TYPE_DNAME = 39;
export const TYPE_OPT = 41;
export const TYPE_CAA = 257;

/** CLASSes (RFC 1035 §3.2.4, §3.2.5; NONE: RFC 2136 §1.3). */
const CLASSES: ReadonlyMap<number, string> = new Map([[1, 'IN'], [3, 'CH'], [4, 'HS'], [254, 'NONE'], [255, 'ANY']]);

export const CLASS_IN = 1;

/** OPCODEs (RFC 1035 §4.1.1; NOTIFY RFC 1996, UPDATE RFC 2136, DSO RFC 8490). */
const OPCODES: ReadonlyMap<number, string> = new Map([[0, 'QUERY'], [1, 'IQUERY'], [2, 'STATUS'], [4, 'NOTIFY'], [5, 'UPDATE'], [6, 'DSO']]);

export const OPCODE_QUERY = 0;
export const OPCODE_NOTIFY = 4;
export const OPCODE_UPDATE = 5;

/**
 * RCODEs: 0–5 RFC 1035 §4.1.1, 6–10 RFC 2136 §2.2, 11 RFC 8490; 16 and up need the OPT record's
 * upper bits (RFC 6891 §6.1.3): 16 is BADVERS there (BADSIG only inside TSIG, RFC 8945).
 */
const RCODES: ReadonlyMap<number, string> = new Map([
  [0, 'NOERROR'], [1, 'FORMERR'], [2, 'SERVFAIL'], [3, 'NXDOMAIN'], [4, 'NOTIMP'], [5, 'REFUSED'],
  [6, 'YXDOMAIN'], [7, 'YXRRSET'], [8, 'NXRRSET'], [9, 'NOTAUTH'], [10, 'NOTZONE'], [11, 'DSOTYPENI'],
  [16, 'BADVERS'], [17, 'BADKEY'], [18, 'BADTIME'], [19, 'BADMODE'], [20, 'BADNAME'], [21, 'BADALG'],
  [22, 'BADTRUNC'], [23, 'BADCOOKIE'],
]);

/** EDNS0 option codes (RFC 6891 §6.1.2 and the registry). */
const OPTIONS: ReadonlyMap<number, string> = new Map([
  [3, 'NSID'], [5, 'DAU'], [6, 'DHU'], [7, 'N3U'], [8, 'ECS'], [9, 'EXPIRE'], [10, 'COOKIE'],
  [11, 'TCP-KEEPALIVE'], [12, 'PADDING'], [13, 'CHAIN'], [14, 'KEY-TAG'], [15, 'EDE'],
  [16, 'CLIENT-TAG'], [17, 'SERVER-TAG'],
]);

export const typeName = (n: number): string => TYPES.get(n) ?? `TYPE${n}`;
export const className = (n: number): string => CLASSES.get(n) ?? `CLASS${n}`;
export const opcodeName = (n: number): string => OPCODES.get(n) ?? `OPCODE${n}`;
export const rcodeName = (n: number): string => RCODES.get(n) ?? `RCODE${n}`;
export const optionName = (n: number): string | undefined => OPTIONS.get(n);
