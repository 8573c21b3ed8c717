using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetflixML.Learning.Linear;
using NetflixML.Learning.Models;
using NetflixML.Learning.Preprocessing;
using NetflixML.Learning.Trees;

namespace NetflixML.Learning.Persistence;

/// <summary>
/// The model file: a zip with manifest.json and binary parameter entries. Saving writes a temporary file beside
/// the target and renames it, so a reader never sees half a model. Loading checks, before it trusts anything: that
/// the file is a zip, the format version, that every entry name is one the manifest lists (no paths, no "..",
/// nothing extra), each entry's size and SHA-256, and only then parses the parameters.
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 1;
    public const string ManifestName = "manifest.json";
    private const long MaxManifestBytes = 4 << 20;
    private const long MaxEntryBytes = 512L << 20;

    // Entries get a fixed timestamp so the same model gives the same bytes.
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Saves a binary classifier with the caller's metadata.</summary>
    public static ModelManifest Save(string path, BinaryClassifier model, ModelMetadata metadata)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [EncoderEntry] = Serialize(model.Encoder.Write),
            [ParametersEntry] = Serialize(model.Parameters.Write),
            [CalibratorEntry] = Serialize(w =>
            {
                w.Write(model.Calibrator.Slope);
                w.Write(model.Calibrator.Offset);
                w.Write(model.Threshold);
            }),
        };
        var preprocessing = new JsonObject
        {
            ["scoreFunction"] = model.Parameters.Kind,
            ["encodedFeatures"] = new JsonArray(model.Encoder.FeatureNames.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["calibrator"] = new JsonObject { ["slope"] = model.Calibrator.Slope, ["offset"] = model.Calibrator.Offset },
            ["threshold"] = model.Threshold,
        };
        foreach (var (name, bytes) in metadata.Attachments ?? new Dictionary<string, byte[]>())
        {
            if (!entries.TryAdd(name, bytes))
            {
                throw new ArgumentException($"Attachment '{name}' has the name of one of the model's own entries.", nameof(metadata));
            }
        }

        return Write(path, Manifest("binary-classifier", model.Trainer, model.OptionsJson, preprocessing, metadata), entries);
    }

    // The entries a binary classifier writes itself; any other entry is an attachment of the caller's.
    private const string EncoderEntry = "encoder.bin";
    private const string ParametersEntry = "parameters.bin";
    private const string CalibratorEntry = "calibrator.bin";
    private static readonly string[] ClassifierEntries = [EncoderEntry, ParametersEntry, CalibratorEntry];

    /// <summary>A manifest for a model of <paramref name="kind"/>: what the model says of itself, then the caller's metadata.</summary>
    internal static ModelManifest Manifest(string kind, string trainer, string optionsJson, JsonObject preprocessing, ModelMetadata metadata) => new()
    {
        Kind = kind,
        Task = metadata.Task,
        Trainer = trainer,
        TrainerOptions = JsonNode.Parse(optionsJson),
        FeatureSet = metadata.FeatureSet,
        Features = metadata.Features,
        Preprocessing = preprocessing,
        Metrics = metadata.Metrics,
        TrainingDataFingerprint = metadata.TrainingDataFingerprint,
        TrainingRows = metadata.TrainingRows,
        CreatedAt = metadata.CreatedAt,
        Properties = metadata.Properties,
    };

    /// <summary>Loads and verifies a binary classifier.</summary>
    public static (BinaryClassifier Model, ModelManifest Manifest) LoadBinaryClassifier(string path) => LoadBinaryClassifier(ReadVerified(path), path);

    /// <summary>Loads a binary classifier from bytes already read (e.g. to hash them first); errors name <paramref name="path"/>.</summary>
    public static (BinaryClassifier Model, ModelManifest Manifest) LoadBinaryClassifier(byte[] bytes, string path) =>
        LoadBinaryClassifier(ReadVerified(bytes, path), path);

    /// <summary>
    /// Loads a binary classifier and the attachments saved with it (<see cref="ModelMetadata.Attachments"/>), by entry
    /// name, verified like every other entry.
    /// </summary>
    public static (BinaryClassifier Model, ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Attachments) LoadBinaryClassifierWithAttachments(byte[] bytes, string path)
    {
        var file = ReadVerified(bytes, path);
        var (model, manifest) = LoadBinaryClassifier(file, path);
        var attachments = file.Entries.Where(e => !ClassifierEntries.Contains(e.Key, StringComparer.Ordinal)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return (model, manifest, attachments);
    }

    private static (BinaryClassifier Model, ModelManifest Manifest) LoadBinaryClassifier((ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries) file, string path)
    {
        var (manifest, entries) = file;
        if (manifest.Kind != "binary-classifier")
        {
            throw new ModelFileException(path, $"holds a {manifest.Kind} model, not a binary classifier");
        }

        try
        {
            var encoder = Deserialize(entries, EncoderEntry, FeatureEncoder.Read);
            var kind = manifest.Preprocessing?["scoreFunction"]?.GetValue<string>();
            IScoreFunction parameters = kind switch
            {
                "linear" => Deserialize(entries, ParametersEntry, LinearModelParameters.Read),
                "trees" => Deserialize(entries, ParametersEntry, TreeEnsembleModelParameters.Read),
                _ => throw new ModelFileException(path, $"unknown score function '{kind}'"),
            };
            var (calibrator, threshold) = Deserialize(entries, CalibratorEntry, r => (new SigmoidCalibrator(r.ReadDouble(), r.ReadDouble()), r.ReadDouble()));
            var options = manifest.TrainerOptions?.ToJsonString() ?? "{}";
            return (new BinaryClassifier(manifest.Trainer, options, encoder, parameters, calibrator, threshold), manifest);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ArgumentException or IOException)
        {
            throw new ModelFileException(path, "parameters are malformed: " + ex.Message, ex);
        }
    }

    /// <summary>Writes any model: the manifest (with entry hashes filled in) and the entries, atomically.</summary>
    public static ModelManifest Write(string path, ModelManifest manifest, IReadOnlyDictionary<string, byte[]> entries)
    {
        foreach (var name in entries.Keys)
        {
            CheckEntryName(path, name);
        }

        var listed = entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new ModelEntry(e.Key, e.Value.LongLength, Convert.ToHexStringLower(SHA256.HashData(e.Value))))
            .ToList();
        manifest = manifest with { FormatVersion = FormatVersion, Entries = listed };
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                AddEntry(zip, ManifestName, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, JsonOptions)));
                foreach (var entry in listed)
                {
                    AddEntry(zip, entry.Name, entries[entry.Name]);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return manifest;
    }

    /// <summary>Reads the manifest and every entry, checking names, sizes, hashes and the format version.</summary>
    public static (ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries) ReadVerified(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException(path, Directory.Exists(path) ? "a folder, not a model file (a .zip)" : "no such model file");
        }

        return ReadVerified(File.OpenRead(path), path);
    }

    /// <summary>The same checks on bytes already read (e.g. to hash them first); errors name <paramref name="path"/>.</summary>
    public static (ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries) ReadVerified(byte[] bytes, string path) =>
        ReadVerified(new MemoryStream(bytes, writable: false), path);

    /// <summary>The same checks on a stream (which this disposes); errors name <paramref name="path"/>.</summary>
    public static (ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries) ReadVerified(Stream stream, string path)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            stream.Dispose();
            throw new ModelFileException(path, "not a readable zip archive (truncated or corrupt): " + ex.Message, ex);
        }

        using (stream)
        using (zip)
        {
            foreach (var entry in zip.Entries)
            {
                CheckEntryName(path, entry.FullName);
            }

            var manifestEntry = zip.GetEntry(ManifestName) ?? throw new ModelFileException(path, $"has no {ManifestName}");
            var manifestBytes = ReadEntry(path, manifestEntry, MaxManifestBytes);
            ModelManifest manifest;
            try
            {
                var node = JsonNode.Parse(manifestBytes) as JsonObject ?? throw new JsonException("not a JSON object");
                var version = node["formatVersion"]?.GetValue<int>() ?? 0;
                if (version != FormatVersion)
                {
                    throw new ModelFileException(path, $"format version {version} is not supported (this build reads version {FormatVersion})");
                }

                manifest = node.Deserialize<ModelManifest>(JsonOptions) ?? throw new JsonException("empty manifest");
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                throw new ModelFileException(path, $"{ManifestName} is not a valid manifest: {ex.Message}", ex);
            }

            var listed = manifest.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var entry in zip.Entries.Where(e => e.FullName != ManifestName))
            {
                if (!listed.ContainsKey(entry.FullName))
                {
                    throw new ModelFileException(path, $"entry '{entry.FullName}' is not listed in the manifest");
                }
            }

            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var expected in manifest.Entries)
            {
                CheckEntryName(path, expected.Name);
                var entry = zip.GetEntry(expected.Name) ?? throw new ModelFileException(path, $"entry '{expected.Name}' listed in the manifest is missing");
                if (entry.Length != expected.Bytes)
                {
                    throw new ModelFileException(path, $"entry '{expected.Name}' is {entry.Length} bytes; the manifest says {expected.Bytes}");
                }

                var bytes = ReadEntry(path, entry, MaxEntryBytes);
                var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
                if (!string.Equals(actual, expected.Sha256, StringComparison.Ordinal))
                {
                    throw new ModelFileException(path, $"entry '{expected.Name}' fails its SHA-256 check (manifest {expected.Sha256[..12]}..., content {actual[..12]}...): the file was altered or damaged");
                }

                result[expected.Name] = bytes;
            }

            return (manifest, result);
        }
    }

    /// <summary>Reads only the manifest (after the same checks as a full load).</summary>
    public static ModelManifest ReadManifest(string path) => ReadVerified(path).Manifest;

    public static byte[] Serialize(Action<BinaryWriter> write)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return memory.ToArray();
    }

    public static T Deserialize<T>(IReadOnlyDictionary<string, byte[]> entries, string name, Func<BinaryReader, T> read)
    {
        if (!entries.TryGetValue(name, out var bytes))
        {
            throw new InvalidDataException($"entry '{name}' is missing");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var value = read(reader);
        if (reader.BaseStream.Position != bytes.Length)
        {
            throw new InvalidDataException($"entry '{name}' has {bytes.Length - reader.BaseStream.Position} unread bytes");
        }

        return value;
    }

    private static void CheckEntryName(string path, string name)
    {
        var unsafeName = name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/') || name.StartsWith('\\')
            || name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)
            || name.Any(char.IsControl);
        if (unsafeName)
        {
            throw new ModelFileException(path, $"entry name '{name}' is not a plain file name (paths and '..' are refused)");
        }
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
        {
            throw new ModelFileException(path, $"entry '{entry.FullName}' is {entry.Length} bytes, over the {limit}-byte limit");
        }

        try
        {
            using var input = entry.Open();
            using var memory = new MemoryStream((int)entry.Length);
            var buffer = new byte[81920];
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (memory.Length + read > entry.Length)
                {
                    throw new ModelFileException(path, $"entry '{entry.FullName}' inflates past its declared {entry.Length} bytes");
                }

                memory.Write(buffer, 0, read);
            }

            if (memory.Length != entry.Length)
            {
                throw new ModelFileException(path, $"entry '{entry.FullName}' is truncated ({memory.Length} of {entry.Length} bytes)");
            }

            return memory.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFileException(path, $"entry '{entry.FullName}' cannot be decompressed (truncated or corrupt): {ex.Message}", ex);
        }
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var output = entry.Open();
        output.Write(content);
    }
}
