"""The authors' decoder_wiki.py model (PyTorch's nn.Transformer language-model tutorial): post-LN encoder layers
with a causal mask, d 200, FFN 200, 1 head, dropout 0.2, untied decoder. Shared by bench/training (speed) and
bench/peer (training curves), so both peers are the same model."""
import math
import torch
from torch import nn

class PositionalEncoding(nn.Module):
    def __init__(self, d, dropout=0.2, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe = torch.zeros(max_len, 1, d)
        pe[:, 0, 0::2] = torch.sin(position * div)
        pe[:, 0, 1::2] = torch.cos(position * div)
        self.register_buffer("pe", pe)
    def forward(self, x):
        return self.dropout(x + self.pe[: x.size(0)])

class TransformerModel(nn.Module):
    def __init__(self, ntoken, d=200, nhead=1, dhid=200, nlayers=2, dropout=0.2):
        super().__init__()
        self.pos_encoder = PositionalEncoding(d, dropout)
        self.transformer_encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, nhead, dhid, dropout), nlayers)
        self.encoder = nn.Embedding(ntoken, d)
        self.d = d
        self.decoder = nn.Linear(d, ntoken)
        self.encoder.weight.data.uniform_(-0.1, 0.1)
        self.decoder.bias.data.zero_()
        self.decoder.weight.data.uniform_(-0.1, 0.1)
    def embed(self, src):
        return self.pos_encoder(self.encoder(src) * math.sqrt(self.d))
    def forward(self, src, mask):
        return self.decoder(self.transformer_encoder(self.embed(src), mask))
