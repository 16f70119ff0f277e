// Entry point: hand the arguments to nettests' main (renamed nettests_main).
int nettests_main(int argc, char *argv[]);

int
main(int argc, char *argv[])
{
  return nettests_main(argc, argv);
}
