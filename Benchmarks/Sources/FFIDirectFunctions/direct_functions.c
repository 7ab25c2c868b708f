#include "direct_functions.h"
double direct_add(double a, double b) { return a + b; }
direct_binary_fn direct_add_pointer(void) { return direct_add; }
