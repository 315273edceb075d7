int app_layer_present(void);
int app_layer_present(void) { return 1; }
