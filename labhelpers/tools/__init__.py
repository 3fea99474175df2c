"""The tools that make the course, apart from the learner's package.

``import labhelpers`` never loads them. Each is a console command declared in
``pyproject.toml`` (and a Makefile target):

* ``wgan-lab-train`` (:mod:`.cli`) - train one run from the command line
* ``wgan-lab-pretrain`` (:mod:`.pretrain`, ``make pretrain``) - every run the notebooks load
* ``wgan-lab-outputs`` (:mod:`.outputs`, ``make outputs``) - the committed notebook outputs
* ``wgan-lab-readme-images`` (:mod:`.readme_images`, ``make readme-images``)
* ``wgan-lab-numbers`` (:mod:`.same_numbers`) - what short seeded runs compute, to show
  that a change to the training code keeps (or changes) the numbers
"""
