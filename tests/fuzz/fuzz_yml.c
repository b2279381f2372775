/* libFuzzer entry: front matter YAML into klar's value tree. Any input must
 * give a value or a diagnostic, never a crash, leak or hang. */
#include "core/arena.h"
#include "core/diag.h"
#include "load/yml.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  arena *a = arena_new();
  diag *d = diag_new();
  yml_parse(a, (const char *)data, n, "fuzz.yaml", 0, d);
  diag_free(d);
  arena_free(a);
  return 0;
}
