"""Running the whole stack: set-up steps, training, and the process supervisor (`make run`)."""
