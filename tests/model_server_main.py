"""`python -m tests.model_server_main --model X.gguf ...`: llama-cpp-python's OpenAI-compatible
server, loading its model with LabTutor's llama.cpp parameters (tutor/llm/llamacpp.py's
model_params: without the AMX weight repacking that crashes llama.cpp on some CPUs, this
machine's among them), and without a repetition penalty unless a request asks for one, like
llama-server and vLLM (llama-cpp-python's server defaults to 1.1), so that a greedy reply is
the model's own and tests can compare it with the local engine's."""

import llama_cpp.llama_cpp as low_level
from llama_cpp.server import types

for request_type in (types.CreateCompletionRequest, types.CreateChatCompletionRequest):
    request_type.model_fields["repeat_penalty"].default = 1.0
    request_type.model_rebuild(force=True)

from llama_cpp.server.__main__ import main  # noqa: E402  (after the defaults are set)

from tutor.llm.llamacpp import model_params  # noqa: E402

if __name__ == "__main__":
    low_level.llama_model_default_params = model_params
    main()
