"""Finding the article in page text: paragraph features, the shipped model, and its data files.

``features`` describes each paragraph and its neighbourhood as numbers; ``model`` scores them
with the small network trained by ``bench/training/train_content.py``; the content pass
(:mod:`cleaner.passes.content`) turns scores into explained removals.
"""
