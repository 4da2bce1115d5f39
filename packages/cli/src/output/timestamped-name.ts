/**
 * File names that carry when they were made, in the shape Kubeshark gives its own
 * (`kubeshark_logs_2006_01_02__15_04_05.zip`, local time): `shoal_2026_05_01__14_03_07.pcap`,
 * `shoal_logs_2026_05_01__14_03_07.zip`. They sort by time.
 */
const pad = (n: number): string => String(n).padStart(2, '0');

export function timestampText(at: Date): string {
  return `${at.getFullYear()}_${pad(at.getMonth() + 1)}_${pad(at.getDate())}__${pad(at.getHours())}_${pad(at.getMinutes())}_${pad(at.getSeconds())}`;
}

export function timestampedName(prefix: string, extension: string, at: Date): string {
  return `${prefix}_${timestampText(at)}.${extension}`;
}
