"""Files nnstudio writes and reads: weights, models, projects. No Qt, no pickle."""
