"""Test helpers shared by integration tests, molecule verifiers and the benchmark."""
