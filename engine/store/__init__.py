"""Files on disk: YAML in and out (yamlio, yaml_build), the workspace lock, the gate every input file passes."""
