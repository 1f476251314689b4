"""Benchmarks that print their figures and the anchor measured in the same run."""

# base64 of 32 bytes of synthetic text: the services refuse a DATA_KEY that is not at least that
DATA_KEY = "c3ludGhldGljLWJlbmNoLWRhdGEta2V5LTMyYnl0ZXM="
