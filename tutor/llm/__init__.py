"""LabTutor's model engine: load a local model, build tutoring prompts, batch and stream replies.

Plain Python, no Django. Import what you need from the submodules; this package deliberately
re-exports nothing, so that the web process can import the torch-free parts (requests,
streaming, prompts' dataclasses) without paying for torch and transformers.
"""

import os
import sys

# The lab has no internet: make huggingface_hub and transformers fail fast instead of trying to
# download anything, whatever the environment says. Every submodule that imports transformers
# lives under this package, so this runs before them; huggingface_hub reads the variable once at
# import, so if something imported it earlier we switch its flag too. (loading.py also passes
# local_files_only=True to every from_pretrained.)
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
if "huggingface_hub.constants" in sys.modules:
    import huggingface_hub.constants

    huggingface_hub.constants.HF_HUB_OFFLINE = True
