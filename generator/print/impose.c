/* impose: see impose.h. A pure function, kept apart so it is tested alone. */
#include "impose.h"

bool impose_side(int n, int side, int *left, int *right) {
  if (n <= 0 || n % 4 || side < 0 || side >= n / 2) return false;
  int s = side / 2;
  if (side % 2 == 0) {
    *left = n - 2 * s;
    *right = 2 * s + 1;
  } else {
    *left = 2 * s + 2;
    *right = n - 2 * s - 1;
  }
  return true;
}

double impose_creep(double creep, int n, int side) {
  if (n <= 0 || n % 4 || side < 0 || side >= n / 2) return 0;
  int sheets = n / 4;
  if (sheets < 2) return 0;
  return creep * (side / 2) / (sheets - 1);
}
