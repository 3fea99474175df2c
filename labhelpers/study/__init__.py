"""Notebook 04's study of the methods, apart from what a learner trains with.

* ``toy``     - the 2-D toy data of the WGAN-GP authors and how samples are scored
* ``exact2d`` - the 2-D experiments with exact answers (stacked seeds, exact W1)
* ``critics2d`` - the WGAN-GP paper's critic experiments on the plane (Fig. 1, Proposition 1)
* ``quality`` - the MNIST classifier and the Fréchet distance that scores samples
* ``stats``   - intervals over seeds, of differences, and of correlations (NumPy, SciPy)
* ``report``  - notebook 04's figures and tables
"""
