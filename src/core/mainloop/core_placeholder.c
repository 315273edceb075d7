/* src/core is empty until the main loop lands here. */
int core_layer_present(void);
int
core_layer_present(void)
{
  return 1;
}
