using System.Text.Json.Nodes;
using NetflixML.Learning.Persistence;

namespace NetflixML.Learning.Recommendation;

/// <summary>
/// Recommenders in the same verified .zip format as classifiers: manifest.json plus catalog.bin (items, genres,
/// content tokens), history.bin (known users and what they saw) and parameters.bin (factors, biases, options).
/// </summary>
public static class RecommenderFile
{
    public const string Kind = "recommender";

    public static ModelManifest Save(string path, Recommender model, ModelMetadata metadata)
    {
        var entries = new Dictionary<string, byte[]>
        {
            ["catalog.bin"] = ModelFile.Serialize(model.Catalog.Write),
            ["history.bin"] = ModelFile.Serialize(model.History.Write),
            ["parameters.bin"] = ModelFile.Serialize(model.WriteParameters),
        };
        var preprocessing = new JsonObject { ["model"] = model.Name, ["items"] = model.Catalog.Count, ["users"] = model.History.Users.Count, ["interactions"] = model.History.Count };
        var options = JsonNode.Parse(model.OptionsJson)!.AsObject();
        if (model.BlendsNewViewers)
        {
            options[NewViewerOption] = model.NewViewerContentWeight;
        }

        if (model.CanFoldInNewViewers)
        {
            options[FoldInOption] = model.FoldsInNewViewers;
            options[UpdateOption] = model.UpdatesKnownUsers;
        }

        return ModelFile.Write(path, ModelFile.Manifest(Kind, model.Kind, options.ToJsonString(), preprocessing, metadata), entries);
    }

    // Kept beside the trainer's options in the manifest; the binary parameters are the same with or without it.
    private const string NewViewerOption = nameof(Recommender.NewViewerContentWeight);

    private const string FoldInOption = nameof(Recommender.FoldsInNewViewers);

    private const string UpdateOption = nameof(Recommender.UpdatesKnownUsers);

    public static (Recommender Model, ModelManifest Manifest) Load(string path) => Load(ModelFile.ReadVerified(path), path);

    /// <summary>Loads a recommender from bytes already read; errors name <paramref name="path"/>.</summary>
    public static (Recommender Model, ModelManifest Manifest) Load(byte[] bytes, string path) =>
        Load(ModelFile.ReadVerified(bytes, path), path);

    private static (Recommender Model, ModelManifest Manifest) Load((ModelManifest Manifest, IReadOnlyDictionary<string, byte[]> Entries) file, string path)
    {
        var (manifest, entries) = file;
        if (manifest.Kind != Kind)
        {
            throw new ModelFileException(path, $"holds a {manifest.Kind} model, not a recommender");
        }

        try
        {
            var catalog = ModelFile.Deserialize(entries, "catalog.bin", ItemCatalog.Read);
            var history = ModelFile.Deserialize(entries, "history.bin", InteractionMatrix.Read);
            // The trainer's options, as the model was given them; the new-viewer choices beside them are applied below.
            var trainerOptions = manifest.TrainerOptions?.DeepClone();
            (trainerOptions as JsonObject)?.Remove(NewViewerOption);
            (trainerOptions as JsonObject)?.Remove(FoldInOption);
            (trainerOptions as JsonObject)?.Remove(UpdateOption);
            var options = trainerOptions?.ToJsonString() ?? "{}";
            Recommender model = manifest.Trainer switch
            {
                "popularity" => ModelFile.Deserialize(entries, "parameters.bin", _ => new PopularityRecommender(catalog, history)),
                "content" => ModelFile.Deserialize(entries, "parameters.bin", _ => new ContentRecommender(catalog, history)),
                "explicit-mf" => ModelFile.Deserialize(entries, "parameters.bin", r => MatrixFactorizationModel.ReadParameters(r, options, catalog, history)),
                "implicit-als" => ModelFile.Deserialize(entries, "parameters.bin", r => ImplicitFactorModel.ReadParameters(r, options, catalog, history)),
                "hybrid" => ModelFile.Deserialize(entries, "parameters.bin", r =>
                {
                    var hybridOptions = new HybridOptions { ContentWeight = r.ReadDouble(), HistoryHalfWeight = r.ReadDouble() };
                    var factorOptions = manifest.TrainerOptions?["factors"]?.ToJsonString() ?? "{}";
                    return new HybridRecommender(ImplicitFactorModel.ReadParameters(r, factorOptions, catalog, history), hybridOptions);
                }),
                _ => throw new ModelFileException(path, $"unknown recommender '{manifest.Trainer}'"),
            };
            return (WithNewViewerOption(model, manifest), manifest);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ArgumentException or IOException or System.Text.Json.JsonException)
        {
            throw new ModelFileException(path, "parameters are malformed: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// The model with the new-viewer share, fold-in and known-user update its manifest holds; a file from before one
    /// was kept there gets the default share, and does not fold in or update (as it was served when it was written).
    /// </summary>
    private static Recommender WithNewViewerOption(Recommender model, ModelManifest manifest)
    {
        if (model.BlendsNewViewers && manifest.TrainerOptions?[NewViewerOption] is { } option)
        {
            model = option is JsonValue value && value.TryGetValue<double>(out var weight)
                ? model.WithNewViewerContentWeight(weight)
                : throw new InvalidDataException($"trainer option {NewViewerOption} is {option.ToJsonString()}, not a number");
        }

        model = model.WithNewViewerFoldIn(FoldInFlag(model, manifest, FoldInOption));
        return model.WithKnownUserUpdate(FoldInFlag(model, manifest, UpdateOption));
    }

    // A fold-in switch as the manifest holds it: false when absent; true only where the model can fold in.
    private static bool FoldInFlag(Recommender model, ModelManifest manifest, string option)
    {
        if (manifest.TrainerOptions?[option] is not { } node)
        {
            return false;
        }

        return node is JsonValue flag && flag.TryGetValue<bool>(out var on) && (!on || model.CanFoldInNewViewers)
            ? on
            : throw new InvalidDataException($"trainer option {option} is {node.ToJsonString()}, not {(model.CanFoldInNewViewers ? "true or false" : "false: the model cannot fold in")}");
    }
}
