"""Engine internals: model, parser, discovery, runner, scoring, renderers."""
