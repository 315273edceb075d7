/* Entry point of src/app/tor. */
#include "orconfig.h"
#include "app/main/main.h"

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
  return tor_run_main(argc, argv);
}
