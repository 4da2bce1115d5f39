/*
 * The TLS tracer's uprobes (see tls_attach.h). A function's place in the file comes from its
 * symbol, read here once per file with libelf (libbpf would read the whole symbol table again
 * for each of the nine probes: node's has a hundred thousand entries), then each probe is
 * attached at that file offset with pid -1: every process, the loader's own filtering by
 * namespace in the programs.
 */
#ifdef SHOAL_HAVE_EBPF

#include "tls_attach.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ebpf_log.h"

const char *const tls_function_names[TLS_FUNCTIONS] = {"SSL_read", "SSL_write", "SSL_read_ex",
                                                       "SSL_write_ex", "SSL_free"};
/* The entry program of each function; all but SSL_free also get the return program. */
static const char *const entry_programs[TLS_FUNCTIONS] = {SHOAL_TLS_PROG_READ, SHOAL_TLS_PROG_WRITE,
                                                          SHOAL_TLS_PROG_READ_EX, SHOAL_TLS_PROG_WRITE_EX,
                                                          SHOAL_TLS_PROG_FREE};
#define TLS_RETURNS 4

/* ---- symbols -------------------------------------------------------------------------------- */

/* The file offset of a function symbol: its address, made relative to its section and moved
 * to where that section lies in the file (what a uprobe's offset is). */
static long symbol_offset(Elf *elf, const GElf_Sym *sym) {
  Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
  GElf_Shdr shdr;
  if (scn == NULL || gelf_getshdr(scn, &shdr) == NULL) return -1;
  if (sym->st_value < shdr.sh_addr) return -1;
  return (long)(sym->st_value - shdr.sh_addr + shdr.sh_offset);
}

/* Looks the functions up in one symbol table (type SHT_DYNSYM or SHT_SYMTAB). */
static void find_in(Elf *elf, Elf64_Word type, long offsets[TLS_FUNCTIONS]) {
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(elf, scn)) != NULL) {
    GElf_Shdr shdr;
    Elf_Data *data;
    size_t i, count;
    if (gelf_getshdr(scn, &shdr) == NULL || shdr.sh_type != type || shdr.sh_entsize == 0) continue;
    data = elf_getdata(scn, NULL);
    if (data == NULL) continue;
    count = shdr.sh_size / shdr.sh_entsize;
    for (i = 0; i < count; i++) {
      GElf_Sym sym;
      const char *name;
      int f;
      if (gelf_getsym(data, (int)i, &sym) == NULL || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
          sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
        continue;
      name = elf_strptr(elf, shdr.sh_link, sym.st_name);
      if (name == NULL || strncmp(name, "SSL_", 4) != 0) continue;
      for (f = 0; f < TLS_FUNCTIONS; f++)
        if (offsets[f] < 0 && strcmp(name, tls_function_names[f]) == 0) offsets[f] = symbol_offset(elf, &sym);
    }
  }
}

/* The file offsets of the functions in `path` (-1: absent). 0, or -1 with `err` set. */
static int find_functions(const char *path, long offsets[TLS_FUNCTIONS], shoal_error *err) {
  int fd, f;
  Elf *elf;
  for (f = 0; f < TLS_FUNCTIONS; f++) offsets[f] = -1;
  if (elf_version(EV_CURRENT) == EV_NONE) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "libelf is unusable: %s", elf_errmsg(-1));
    return -1;
  }
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot open %s", path);
    return -1;
  }
  elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "%s is not an ELF file", path);
    if (elf != NULL) elf_end(elf);
    close(fd);
    return -1;
  }
  /* Exported symbols first; a binary that keeps its full symbol table may have them there. */
  find_in(elf, SHT_DYNSYM, offsets);
  if (offsets[0] < 0 || offsets[1] < 0) find_in(elf, SHT_SYMTAB, offsets);
  elf_end(elf);
  close(fd);
  if (offsets[0] < 0 || offsets[1] < 0) {
    shoal_error_set(err, SHOAL_E_OPTIONS, "%s has no SSL_read and SSL_write functions (not an OpenSSL)", path);
    return -1;
  }
  return 0;
}

/* ---- probes --------------------------------------------------------------------------------- */

static struct bpf_link *probe(tls_state *st, const char *program, const char *path, long offset, int ret,
                              shoal_error *err) {
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret != 0);
  struct bpf_program *prog = bpf_object__find_program_by_name(st->obj, program);
  struct bpf_link *link;
  char why[320];
  if (prog == NULL) {
    shoal_error_set(err, SHOAL_E_BACKEND, "the TLS tracer's object has no program %s; rebuild it", program);
    return NULL;
  }
  link = bpf_program__attach_uprobe_opts(prog, -1, path, (size_t)offset, &opts);
  if (link == NULL) {
    int e = errno;
    ebpf_log_reason(why, sizeof why);
    shoal_error_errno(err, e == EPERM || e == EACCES ? SHOAL_E_PERMISSION : SHOAL_E_BACKEND, e,
                      "cannot attach a %s to %s at offset 0x%lx%s%s", ret ? "uretprobe" : "uprobe", path,
                      offset, why[0] ? ": " : "", why);
  }
  return link;
}

static void release(tls_attachment *a) {
  int i;
  for (i = 0; i < a->nlinks; i++) bpf_link__destroy(a->links[i]);
  a->nlinks = 0;
  a->id = 0;
}

/* Taking a uprobe off waits for the kernel to be done with it (about a tenth of a second each,
 * measured on Linux 6.18): nine of them would stall Node's event loop for a second. Links moved
 * here are destroyed on a thread of their own; they hold their programs, so the tracer may close
 * meanwhile. */
static void *release_in_background(void *arg) {
  tls_attachment *a = arg;
  release(a);
  free(a);
  return NULL;
}

static void release_later(tls_attachment *a) {
  tls_attachment *copy = malloc(sizeof *copy);
  pthread_attr_t attr;
  pthread_t thread;
  sigset_t all, saved;
  int rc = -1;
  if (copy != NULL) {
    *copy = *a;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Signals are Node's main thread's business. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    rc = pthread_create(&thread, &attr, release_in_background, copy);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    pthread_attr_destroy(&attr);
  }
  if (rc != 0) {
    free(copy);
    release(a); /* no thread: here, then */
    return;
  }
  a->nlinks = 0;
  a->id = 0;
}

static tls_attachment *free_slot(tls_state *st, shoal_error *err) {
  int i;
  if (st->torn_down) {
    shoal_error_set(err, SHOAL_E_BACKEND, "the TLS tracer is closing");
    return NULL;
  }
  for (i = 0; i < TLS_MAX_ATTACHMENTS; i++)
    if (st->attachments[i].id == 0) return &st->attachments[i];
  shoal_error_set(err, SHOAL_E_BACKEND, "the TLS tracer is attached to %d files already, its most", TLS_MAX_ATTACHMENTS);
  return NULL;
}

int tls_attach(tls_state *st, const char *path, unsigned *functions, shoal_error *err) {
  long offsets[TLS_FUNCTIONS];
  tls_attachment *a;
  int f, id = -1;

  *functions = 0;
  if (find_functions(path, offsets, err) != 0) return -1;
  pthread_mutex_lock(&st->mu);
  ebpf_log_reset();
  a = free_slot(st, err);
  if (a == NULL) goto done;
  for (f = 0; f < TLS_FUNCTIONS; f++) {
    struct bpf_link *entry, *ret = NULL;
    if (offsets[f] < 0) continue;
    entry = probe(st, entry_programs[f], path, offsets[f], 0, err);
    if (entry == NULL) break;
    a->links[a->nlinks++] = entry;
    if (f < TLS_RETURNS) {
      ret = probe(st, SHOAL_TLS_PROG_RETURN, path, offsets[f], 1, err);
      if (ret == NULL) break;
      a->links[a->nlinks++] = ret;
    }
    *functions |= 1u << f;
  }
  if (f < TLS_FUNCTIONS) { /* a probe failed: take off what was attached */
    release(a);
    *functions = 0;
    goto done;
  }
  id = a->id = ++st->next_id;
done:
  pthread_mutex_unlock(&st->mu);
  return id;
}

int tls_detach(tls_state *st, int id) {
  int i, rc = -1;
  pthread_mutex_lock(&st->mu);
  for (i = 0; i < TLS_MAX_ATTACHMENTS && id > 0; i++) {
    if (st->attachments[i].id != id) continue;
    release_later(&st->attachments[i]);
    rc = 0;
    break;
  }
  pthread_mutex_unlock(&st->mu);
  return rc;
}

void tls_detach_all(tls_state *st) {
  int i;
  pthread_mutex_lock(&st->mu);
  st->torn_down = 1;
  for (i = 0; i < TLS_MAX_ATTACHMENTS; i++)
    if (st->attachments[i].id != 0) release(&st->attachments[i]);
  pthread_mutex_unlock(&st->mu);
}

#endif
