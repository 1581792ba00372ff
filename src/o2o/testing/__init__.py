"""Helpers the test suite and bench/ share: throwaway database servers, fixtures of worlds."""
