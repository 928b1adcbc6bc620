{ fromInc = "loaded with :l"; }
