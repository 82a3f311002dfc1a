"""The demo marketplace: a deterministic bilingual generator (`generate`) and a fast bulk loader (`load`)."""
