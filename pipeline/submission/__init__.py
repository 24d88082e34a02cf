"""submit: what leaves the agency after the bundles — the ratings files (`ratings_file`,
`ratings_xlsx`), the Sở Nội vụ package (`package`: report, summary table, the agency's self-rating,
copies, zip; `writeback`: the input with the results), the changes since the previous build and the
sheets to print again (`changes`), the reading guide (`guide`), signatures (`signing`), and the
checks of a finished folder (`verify`) and of many agencies' packages (`province`: `hoso tong-hop`).
`manifest.json` itself is written by `pipeline/manifest.py`."""
