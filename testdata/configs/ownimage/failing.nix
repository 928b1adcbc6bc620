# The same configuration with a second variant of its own that fails to evaluate (its image
# throws, as a variant whose module lacks something does): the images' facts name it among the
# variants known to fail once its kind is known, from the tree or a cached listing.
{ ... }:
{
  imports = [ ./configuration.nix ];
  image.modules.broken = {
    system.build.image = throw "the broken variant has no image for this board";
  };
}
