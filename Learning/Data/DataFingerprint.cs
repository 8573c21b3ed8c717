using System.Security.Cryptography;
using System.Text;

namespace NetflixML.Learning.Data;

/// <summary>A SHA-256 over a table's schema, values and labels: the same data gives the same fingerprint.</summary>
public static class DataFingerprint
{
    public static string Of(TabularData data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[8];
        void AddString(string? s)
        {
            hash.AppendData(s is null ? [0xFF] : Encoding.UTF8.GetBytes(s + "\u001f"));
        }

        AddString(data.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var c = 0; c < data.Schema.Columns.Count; c++)
        {
            var column = data.Schema.Columns[c];
            AddString(column.Name + ":" + column.Kind);
            switch (column.Kind)
            {
                case ColumnKind.Numeric:
                    foreach (var v in data.Numeric(c))
                    {
                        BitConverter.TryWriteBytes(buffer, v);
                        hash.AppendData(buffer);
                    }

                    break;
                case ColumnKind.Categorical:
                    foreach (var v in data.Categorical(c))
                    {
                        AddString(v);
                    }

                    break;
                default:
                    foreach (var set in data.Set(c))
                    {
                        AddString(set is null ? null : string.Join("\u001e", set));
                    }

                    break;
            }
        }

        if (data.Labels is { } labels)
        {
            foreach (var l in labels)
            {
                BitConverter.TryWriteBytes(buffer, (double)l);
                hash.AppendData(buffer);
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
