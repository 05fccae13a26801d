"""`python -m tests.model_server_main --model X.gguf ...`: llama-cpp-python's OpenAI-compatible
server, loading its model with LabTutor's llama.cpp parameters (tutor/llm/llamacpp.py's
model_params: without the AMX weight repacking that crashes llama.cpp on some CPUs, this
machine's among them)."""

import llama_cpp.llama_cpp as low_level
from llama_cpp.server.__main__ import main

from tutor.llm.llamacpp import model_params

if __name__ == "__main__":
    low_level.llama_model_default_params = model_params
    main()
