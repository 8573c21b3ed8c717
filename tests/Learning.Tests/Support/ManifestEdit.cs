using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using NetflixML.Learning.Persistence;

namespace NetflixML.Learning.Tests.Support;

/// <summary>Edits a model file's manifest in place, as a hand or another version of the code might have written it.</summary>
internal static class ManifestEdit
{
    public static void Replace(ZipArchive zip, Action<JsonObject> change)
    {
        var entry = zip.GetEntry(ModelFile.ManifestName)!;
        JsonObject manifest;
        using (var reader = new StreamReader(entry.Open()))
        {
            manifest = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        }

        change(manifest);
        entry.Delete();
        using var output = zip.CreateEntry(ModelFile.ManifestName).Open();
        output.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    public static void Replace(string path, Action<JsonObject> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        Replace(zip, change);
    }
}
