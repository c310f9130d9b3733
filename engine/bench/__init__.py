"""bench: `duban bench` — a deterministic synthetic national workspace set (synth.py), run through the
real pipeline stage by stage (partition.py, pipeline.py), both evaluators timed and compared; and one
district through `duban check` with every default output format (district.py)."""
