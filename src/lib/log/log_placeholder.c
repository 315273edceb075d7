int lib_layer_present(void);
int lib_layer_present(void) { return 1; }
