"""LabTutor's model engine: load a local model, build tutoring prompts, batch and stream replies.

Plain Python, no Django. Import what you need from the submodules; this package deliberately
re-exports nothing, so that the web process can import the torch-free parts (requests,
streaming, prompts' dataclasses) without paying for torch and transformers.
"""

import os

# The lab has no internet: make huggingface_hub and transformers fail fast instead of trying to
# download, whatever the environment says. This must run before transformers is first imported,
# and every submodule that imports it lives under this package, so this file always runs first.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
