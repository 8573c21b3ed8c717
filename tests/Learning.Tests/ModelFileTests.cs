using System.IO.Compression;
using System.Text.Json.Nodes;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Persistence;
using NetflixML.Learning.Tests.Support;

namespace NetflixML.Learning.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public ModelFileTests()
    {
        _path = _dir.File("model.zip");
        var model = new LogisticRegressionTrainer().Fit(TestData.Mixed(400, 6));
        ModelFile.Save(_path, model, new ModelMetadata
        {
            Task = "churn",
            FeatureSet = "behaviour",
            Features = [new ModelFeature("x", "numeric", "Known")],
            Metrics = new JsonObject { ["auc"] = 0.8 },
            TrainingDataFingerprint = "sha256:abc",
            CreatedAt = DateTimeOffset.UnixEpoch,
        });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Manifest_describes_the_model_and_hashes_each_entry()
    {
        var manifest = ModelFile.ReadManifest(_path);
        Assert.Equal(ModelFile.FormatVersion, manifest.FormatVersion);
        Assert.Equal("churn", manifest.Task);
        Assert.Equal("LogisticRegression", manifest.Trainer);
        Assert.Equal("behaviour", manifest.FeatureSet);
        Assert.Equal("Known", manifest.Features.Single().Availability);
        Assert.Equal(0.8, manifest.Metrics!["auc"]!.GetValue<double>());
        Assert.Equal(1.0, manifest.TrainerOptions!["L2Regularization"]!.GetValue<double>());
        Assert.Equal(["calibrator.bin", "encoder.bin", "parameters.bin"], manifest.Entries.Select(e => e.Name));
        Assert.All(manifest.Entries, e => Assert.Equal(64, e.Sha256.Length));
    }

    [Fact]
    public void A_tampered_entry_fails_its_hash_check()
    {
        Rewrite(zip =>
        {
            var entry = zip.GetEntry("parameters.bin")!;
            byte[] bytes;
            using (var input = entry.Open())
            using (var memory = new MemoryStream())
            {
                input.CopyTo(memory);
                bytes = memory.ToArray();
            }

            bytes[^1] ^= 0xFF;
            entry.Delete();
            using var output = zip.CreateEntry("parameters.bin").Open();
            output.Write(bytes);
        });
        var error = Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path));
        Assert.StartsWith(_path + ": entry 'parameters.bin' fails its SHA-256 check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attachments_are_saved_hashed_and_returned_beside_the_model()
    {
        var model = ModelFile.LoadBinaryClassifier(_path).Model;
        var path = _dir.File("attached.zip");
        byte[] history = [1, 2, 3, 250];
        ModelFile.Save(path, model, new ModelMetadata { Task = "top10", Attachments = new Dictionary<string, byte[]> { ["history.json"] = history } });

        var (loaded, manifest, attachments) = ModelFile.LoadBinaryClassifierWithAttachments(File.ReadAllBytes(path), path);
        Assert.Equal(history, Assert.Single(attachments).Value);
        Assert.Equal("history.json", attachments.Keys.Single());
        Assert.Contains(manifest.Entries, e => e.Name == "history.json" && e.Bytes == 4);
        var row = TestData.Mixed(5, 6);
        Assert.Equal(model.PredictProbabilities(row), loaded.PredictProbabilities(row));
        Assert.Empty(ModelFile.LoadBinaryClassifierWithAttachments(File.ReadAllBytes(_path), _path).Attachments);

        // An attachment cannot stand in for one of the model's own entries.
        var clash = Assert.Throws<ArgumentException>(() => ModelFile.Save(_dir.File("clash.zip"), model, new ModelMetadata { Task = "top10", Attachments = new Dictionary<string, byte[]> { ["parameters.bin"] = history } }));
        Assert.Contains("Attachment 'parameters.bin'", clash.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("clash.zip")));
    }

    [Fact]
    public void A_wrong_format_version_is_refused()
    {
        Rewrite(zip => ManifestEdit.Replace(zip, m => m["formatVersion"] = 2));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path));
        Assert.Equal(_path + ": format version 2 is not supported (this build reads version 1)", error.Message);
    }

    [Fact]
    public void A_zip_slip_entry_name_is_refused()
    {
        Rewrite(zip =>
        {
            using var output = zip.CreateEntry("../../etc/evil.bin").Open();
            output.Write([1, 2, 3]);
        });
        var error = Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path));
        Assert.Equal(_path + ": entry name '../../etc/evil.bin' is not a plain file name (paths and '..' are refused)", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        var bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path));
        Assert.StartsWith(_path + ": not a readable zip archive (truncated or corrupt)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_of_the_wrong_size_or_unlisted_is_refused()
    {
        Rewrite(zip =>
        {
            using var output = zip.CreateEntry("extra.bin").Open();
            output.Write([1]);
        });
        Assert.Equal(_path + ": entry 'extra.bin' is not listed in the manifest", Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path)).Message);
    }

    [Fact]
    public void A_declared_size_that_disagrees_is_refused()
    {
        Rewrite(zip => ManifestEdit.Replace(zip, m => m["entries"]![1]!["bytes"] = 3));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(_path));
        Assert.Matches("entry 'encoder.bin' is [0-9]+ bytes; the manifest says 3", error.Message);
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_named()
    {
        var missing = _dir.File("nope.zip");
        Assert.Equal(missing + ": no such model file", Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(missing)).Message);
        var folder = Path.GetDirectoryName(missing)!;
        Directory.CreateDirectory(folder);
        Assert.Equal(folder + ": a folder, not a model file (a .zip)", Assert.Throws<ModelFileException>(() => ModelFile.LoadBinaryClassifier(folder)).Message);
    }

    [Fact]
    public void Saving_over_a_model_replaces_it_whole_and_leaves_no_temporary_file()
    {
        var before = File.ReadAllBytes(_path);
        var other = new LogisticRegressionTrainer().Fit(TestData.Mixed(400, 7));
        ModelFile.Save(_path, other, new ModelMetadata { Task = "churn", CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.NotEqual(before, File.ReadAllBytes(_path));
        Assert.Equal(["model.zip"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        ModelFile.LoadBinaryClassifier(_path);
    }

    private void Rewrite(Action<ZipArchive> change)
    {
        using var zip = ZipFile.Open(_path, ZipArchiveMode.Update);
        change(zip);
    }
}
