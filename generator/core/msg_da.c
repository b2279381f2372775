/* msg_da: the Danish of every message, keyed by the English printf format
 * exactly as written at the call (diag_error, diag_warning, diag_report, and
 * the lines main prints). Each Danish format has the same conversions in the
 * same order (the messages suite checks every entry and that every call has
 * one). Written for communication staff: plain words, what is wrong, where,
 * and how to fix it. */
#include <stddef.h>

const char *const msg_table_da[][2] = {
    {"error", "fejl"},
};

const size_t msg_table_da_len = sizeof msg_table_da / sizeof msg_table_da[0];
