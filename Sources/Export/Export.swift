// Reports: result files, rejects, summaries.
