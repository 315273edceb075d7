/* src/feature is empty until the client core lands; this keeps the library
 * non-empty so the link line stays the same as features arrive. */
int feature_layer_present(void);
int
feature_layer_present(void)
{
  return 1;
}
