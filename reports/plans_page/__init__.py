"""The plan page (/plans/<number>/): a plan as its documents print it, and the list of plans."""
