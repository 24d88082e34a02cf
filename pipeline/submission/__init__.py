"""submit: ratings files, manifest, and (later) the Sở Nội vụ package."""
