# Reads a ThreadSanitizer log and prints one line per report: the modules
# where its accesses were made, then the report's summary line. An access
# is placed at the first frame of its stack that is not in the sanitizer's
# runtime, the C library or the C++ library (their functions, like memcpy
# or strdup, run on behalf of their caller). A stack TSan could not restore
# is placed where the memory was allocated, or "unknown"; so is a stack
# that runs from the C++ library straight into klar: klar is C and calls no
# C++ itself, so the C++ library's caller (qpdf, built without frame
# pointers) was lost in between.
#   awk -f blame.awk LOG
function flush_access() {
  if (in_access) {
    if (mod == "") mod = "unknown"
    mods = mods " " mod
  }
  in_access = 0
  mod = ""
}
function module_of(line,   m) {
  # "    #2 g_strdup <null> (libglib-2.0.so.0+0x74c52)" -> libglib-2.0.so.0
  if (!match(line, /\([^()]*\+0x[0-9a-f]+\)$/)) return ""
  m = substr(line, RSTART + 1, RLENGTH - 2)
  sub(/\+0x[0-9a-f]+$/, "", m)
  sub(/^.*\//, "", m)
  return m
}
/^WARNING: ThreadSanitizer:/ { mods = ""; alloc = ""; in_access = 0; in_alloc = 0; next }
/^  (Read|Write|Atomic|Previous)[a-z ]* of size [0-9]+ at / { flush_access(); in_alloc = 0; in_access = 1; cxx = 0; next }
/^  Location is / { flush_access(); in_alloc = 1; next }
/^  (Mutex|Thread) / { flush_access(); in_alloc = 0; next }
/^    \[failed to restore the stack\]/ { if (in_access) mod = "?"; next }
/^    #[0-9]+ / {
  m = module_of($0)
  if (m ~ /^libstdc\+\+\.so/) cxx = 1
  if (m ~ /^(libtsan\.so|libc\.so|libstdc\+\+\.so)/) next
  if (in_access && mod == "") mod = (cxx && m == "klar") ? "?" : m
  if (in_alloc && alloc == "") alloc = m
  next
}
/^SUMMARY: ThreadSanitizer:/ {
  flush_access()
  if (alloc == "") alloc = "unknown"
  gsub(/\?/, alloc, mods)
  s = $0
  sub(/^SUMMARY: ThreadSanitizer: /, "", s)
  print substr(mods, 2) "\t" s
}
