"""Stories: near-duplicate articles across sources (syndicated agency copies) grouped together.

:mod:`newswatch.stories.signature` computes MinHash signatures and LSH band keys of article
bodies (plain functions); :mod:`newswatch.stories.store` keeps them and the clusters in the
archive.
"""
