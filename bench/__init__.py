"""Benchmark of hoso: a synthetic agency generator (`bench.synth`) and one run (`bench.run`)."""
