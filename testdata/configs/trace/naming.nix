# The name toplevel carries: a string and a number cannot be added, so system.name fails, and
# with it system.build.toplevel and system.build.name.
{ ... }:
{
  system.name = "trace-" + 2605;
}
