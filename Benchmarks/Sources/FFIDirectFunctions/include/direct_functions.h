typedef double (*direct_binary_fn)(double, double);
/* The calculator's typed `add`, for a direct call. */
double direct_add(double a, double b);
/* Its address, so the call goes through a pointer as the host's would. */
direct_binary_fn direct_add_pointer(void);
