"""render: form templates (docxtpl) filled from the campaign and the ratings."""
