using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using JoMA.Engine.Checkpoints;
using TorchSharp;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>Malformed or hostile inputs: each is refused with a JomaException and a stable ErrorId, never a crash.</summary>
public class BadCheckpointTests
{
    static string NeoX => Path.Combine(FixturePaths.HfReference, "gpt_neox_tiny");
    static string Opt => Path.Combine(FixturePaths.HfReference, "opt_tiny");

    static void WriteRawSafetensors(string path, string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    static string ErrorId(Action action) => Assert.Throws<JomaException>(action).ErrorId;

    [Fact]
    public void HeaderLengthBeyondFile()
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("model.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        File.WriteAllBytes(path, bytes);
        Assert.Equal("SafetensorsHeaderBeyondFile", ErrorId(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void OverlappingOffsets()
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("model.safetensors");
        WriteRawSafetensors(path, """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", 24);
        Assert.Equal("SafetensorsOverlappingTensors", ErrorId(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void OffsetsOutOfRange()
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("model.safetensors");
        WriteRawSafetensors(path, """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8);
        Assert.Equal("SafetensorsOffsetOutOfRange", ErrorId(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void UnknownDType()
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("model.safetensors");
        WriteRawSafetensors(path, """{"a":{"dtype":"Q4","shape":[4],"data_offsets":[0,2]}}""", 2);
        Assert.Equal("SafetensorsUnknownDType", ErrorId(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void InvalidHeaderJson()
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("model.safetensors");
        WriteRawSafetensors(path, "{not json", 0);
        Assert.Equal("SafetensorsHeaderInvalid", ErrorId(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void ShapeMismatchWithConfig()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        var tensors = DerivedFixture.StoredTensors("gpt_neox_tiny");
        var i = tensors.FindIndex(kv => kv.Key == "gpt_neox.layers.0.mlp.dense_h_to_4h.weight");
        tensors[i] = KeyValuePair.Create(tensors[i].Key, torch.zeros(48, 32));
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), tensors);
        var checkpoint = HuggingFaceCheckpoint.Open(fixture.Folder);
        Assert.Equal("CheckpointShapeMismatch", ErrorId(() => checkpoint.LoadWeights()));
    }

    [Fact]
    public void MissingTensor()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), DerivedFixture.StoredTensors("gpt_neox_tiny").Where(kv => kv.Key != "gpt_neox.final_layer_norm.bias"));
        Assert.Equal("CheckpointTensorMissing", ErrorId(() => HuggingFaceCheckpoint.Open(fixture.Folder).LoadWeights()));
    }

    [Fact]
    public void UnsupportedArchitectureListsSupported()
    {
        using var fixture = new DerivedFixture();
        File.WriteAllText(fixture.File_("config.json"), """{"model_type":"llama","hidden_size":32,"num_attention_heads":4,"num_hidden_layers":2,"vocab_size":128}""");
        var e = Assert.Throws<JomaException>(() => HuggingFaceCheckpoint.Open(fixture.Folder));
        Assert.Equal("UnsupportedArchitecture", e.ErrorId);
        Assert.Contains("gpt_neox", e.Message);
        Assert.Contains("opt", e.Message);
    }

    [Theory]
    [InlineData("../x.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../x.safetensors")]
    public void IndexNamingAShardOutsideTheFolder(string shard)
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        File.WriteAllText(fixture.File_("model.safetensors.index.json"),
            "{\"metadata\":{\"total_size\":4},\"weight_map\":{\"gpt_neox.embed_in.weight\":\"" + shard + "\"}}");
        Assert.Equal("CheckpointShardPathEscapes", ErrorId(() => HuggingFaceCheckpoint.Open(fixture.Folder)));
    }

    [Fact]
    public void TruncatedPyTorchBin()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        var bytes = File.ReadAllBytes(Path.Combine(NeoX, "pytorch_model.bin"));
        File.WriteAllBytes(fixture.File_("pytorch_model.bin"), bytes[..(bytes.Length / 2)]);
        var checkpoint = HuggingFaceCheckpoint.Open(fixture.Folder);
        Assert.Equal(CheckpointWeightFormat.PyTorchBin, checkpoint.WeightFormat);
        Assert.Equal("PyTorchBinCorrupt", ErrorId(() => checkpoint.LoadWeights()));
    }

    [Fact]
    public void LegacyOrGarbagePyTorchBin()
    {
        using var fixture = new DerivedFixture();
        File.WriteAllBytes(fixture.File_("pytorch_model.bin"), Encoding.ASCII.GetBytes("\x80\x02not a zip"));
        Assert.Equal("PyTorchBinLegacyFormat", ErrorId(() => PyTorchBinFile.ReadStateDict(fixture.File_("pytorch_model.bin"))));
    }

    /// <summary>A torch-style zip whose data.pkl is <c>os.system("echo pwned")</c> (protocol 2): refused before unpickling.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PickleWithForeignGlobalIsRefused(bool stackGlobal)
    {
        using var fixture = new DerivedFixture();
        var path = fixture.File_("pytorch_model.bin");
        var pickle = new List<byte> { 0x80, 2 };
        if (stackGlobal)
        {
            // protocol 4 style: SHORT_BINUNICODE "os", MEMOIZE, SHORT_BINUNICODE "system", MEMOIZE, STACK_GLOBAL
            pickle[1] = 4;
            foreach (var s in new[] { "os", "system" }) { pickle.Add(0x8c); pickle.Add((byte)s.Length); pickle.AddRange(Encoding.ASCII.GetBytes(s)); pickle.Add(0x94); }
            pickle.Add(0x93);
        }
        else pickle.AddRange(Encoding.ASCII.GetBytes("cos\nsystem\n"));
        pickle.Add((byte)'X'); var arg = Encoding.ASCII.GetBytes("echo pwned"); pickle.AddRange(BitConverter.GetBytes(arg.Length)); pickle.AddRange(arg);
        pickle.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' }); // TUPLE1, REDUCE, STOP
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open();
            entry.Write(pickle.ToArray());
        }
        var e = Assert.Throws<JomaException>(() => PyTorchBinFile.ReadStateDict(path));
        Assert.Equal("PickleGlobalNotAllowed", e.ErrorId);
        Assert.Contains("os.system", e.Message);
    }

    [Fact]
    public void RealStateDictPicklesNameOnlyTorchGlobals()
    {
        foreach (var folder in new[] { NeoX, Opt })
        {
            using var zip = ZipFile.OpenRead(Path.Combine(folder, "pytorch_model.bin"));
            using var stream = zip.Entries.Single(e => e.FullName.EndsWith("data.pkl")).Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var globals = PickleGlobalScanner.Scan(buffer.ToArray(), folder);
            Assert.Contains("torch._utils._rebuild_tensor_v2", globals);
            Assert.Contains("torch.FloatStorage", globals);
        }
    }

    [Fact]
    public void OptBinTiesLmHeadThroughThePickleMemo()
    {
        var state = PyTorchBinFile.ReadStateDict(Path.Combine(Opt, "pytorch_model.bin"));
        try
        {
            Assert.True(state["lm_head.weight"].allclose(state["model.decoder.embed_tokens.weight"], 0, 0));
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }
}
