# Syntax error on line 5, column 3 (the stray "=" token). Do not fix.
{ config, ... }:
{
  networking.hostName = "syntax";
  = broken;
}
