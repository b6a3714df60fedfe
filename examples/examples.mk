# Example unikernels: filled in by the examples work.
examples:
	@mkdir -p $(EXAMPLES_DIR)
