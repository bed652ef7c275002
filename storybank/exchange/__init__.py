"""Exchange with qualitative-analysis software: the REFI-QDA codebook (.qdc) both ways and
the project (.qdpx) of the stories a person may read. No HTTP here: the API and the
command line call these functions."""
