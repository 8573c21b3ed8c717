using System.Runtime.InteropServices;

namespace NetflixML.Learning.Recommendation;

/// <summary>One observed (user, item) pair: a rating for explicit models, a strength (watch count, completion) for implicit ones.</summary>
public readonly record struct Interaction(string User, string Item, float Value);

/// <summary>
/// Interactions indexed densely: users by their own map, items by the catalogue's. Duplicate pairs are merged
/// (values summed for implicit strength, averaged for ratings is the caller's choice: this keeps the last rating).
/// Also keeps each user's seen items, sorted, to exclude them from recommendations.
/// </summary>
public sealed class InteractionMatrix
{
    private InteractionMatrix(IdMap users, int items, int[] userIndex, int[] itemIndex, float[] values)
    {
        Users = users;
        ItemCount = items;
        UserIndex = userIndex;
        ItemIndex = itemIndex;
        Values = values;
        (UserStart, UserItems, UserValues) = Compress(users.Count, items, userIndex, itemIndex, values);
        (ItemStart, ItemUsers, ItemValues) = Compress(items, users.Count, itemIndex, userIndex, values);
    }

    /// <summary>
    /// Compressed rows: for each row, its columns ascending with their values. Two counting-sort passes (by column,
    /// then stably by row), linear in the number of interactions.
    /// </summary>
    private static (int[] Start, int[] Columns, float[] Values) Compress(int rows, int columnCount, int[] row, int[] column, float[] values)
    {
        var n = row.Length;
        var byColumn = CountingOrder(column, columnCount, Enumerable.Range(0, n).ToArray());
        var order = CountingOrder(row, rows, byColumn);
        var start = new int[rows + 1];
        foreach (var r in row)
        {
            start[r + 1]++;
        }

        for (var r = 0; r < rows; r++)
        {
            start[r + 1] += start[r];
        }

        var columns = new int[n];
        var sorted = new float[n];
        for (var at = 0; at < n; at++)
        {
            columns[at] = column[order[at]];
            sorted[at] = values[order[at]];
        }

        return (start, columns, sorted);
    }

    /// <summary>A stable reordering of <paramref name="input"/> (indices) by <paramref name="key"/>.</summary>
    private static int[] CountingOrder(ReadOnlySpan<int> key, int keys, int[] input)
    {
        var offset = new int[keys + 1];
        foreach (var e in input)
        {
            offset[key[e] + 1]++;
        }

        for (var k = 0; k < keys; k++)
        {
            offset[k + 1] += offset[k];
        }

        var output = new int[input.Length];
        foreach (var e in input)
        {
            output[offset[key[e]]++] = e;
        }

        return output;
    }

    /// <summary>
    /// Builds the matrix straight from index arrays, for large generated data: the caller guarantees there is no
    /// repeated (user, item) pair and that every index is in range.
    /// </summary>
    public static InteractionMatrix FromIndices(IdMap users, int items, int[] userIndex, int[] itemIndex, float[] values)
    {
        if (userIndex.Length != itemIndex.Length || userIndex.Length != values.Length)
        {
            throw new ArgumentException("User, item and value arrays must have the same length.");
        }

        return new InteractionMatrix(users, items, userIndex, itemIndex, values);
    }

    public IdMap Users { get; }

    public int ItemCount { get; }

    public int Count => UserIndex.Length;

    /// <summary>Per interaction: user, item, value (in the order given, duplicates merged).</summary>
    public int[] UserIndex { get; }

    public int[] ItemIndex { get; }

    public float[] Values { get; }

    /// <summary>CSR by user: items of user u are UserItems[UserStart[u]..UserStart[u+1]), ascending.</summary>
    public int[] UserStart { get; }

    public int[] UserItems { get; }

    public float[] UserValues { get; }

    /// <summary>CSR by item: users of item i, ascending.</summary>
    public int[] ItemStart { get; }

    public int[] ItemUsers { get; }

    public float[] ItemValues { get; }

    public ReadOnlySpan<int> ItemsOf(int user) => UserItems.AsSpan(UserStart[user], UserStart[user + 1] - UserStart[user]);

    /// <summary>The items <paramref name="userId"/> interacted with; none for a user the matrix does not hold.</summary>
    public ReadOnlySpan<int> ItemsOf(string userId) => Users.TryGet(userId, out var user) ? ItemsOf(user) : [];

    /// <summary>How many users interacted with <paramref name="item"/>.</summary>
    public int UserCount(int item) => ItemStart[item + 1] - ItemStart[item];

    /// <summary>Per item, whether any interaction names it: the items a factor model learns a vector for.</summary>
    public bool[] ItemsWithInteractions()
    {
        var flags = new bool[ItemCount];
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = UserCount(i) > 0;
        }

        return flags;
    }

    /// <summary>
    /// Builds the matrix over <paramref name="catalog"/>'s items. Interactions with items outside the catalogue are
    /// refused (with the item named); a repeated pair keeps the sum of values when <paramref name="sumDuplicates"/>,
    /// the last value otherwise.
    /// </summary>
    public static InteractionMatrix Build(IEnumerable<Interaction> interactions, ItemCatalog catalog, bool sumDuplicates, IdMap? users = null)
    {
        users ??= new IdMap();
        var u = new List<int>();
        var it = new List<int>();
        var v = new List<float>();
        foreach (var interaction in interactions)
        {
            if (!catalog.Items.TryGet(interaction.Item, out var item))
            {
                throw new ArgumentException($"Interaction of user '{interaction.User}' names item '{interaction.Item}', which is not in the catalogue.");
            }

            if (!float.IsFinite(interaction.Value))
            {
                throw new ArgumentException($"Interaction ({interaction.User}, {interaction.Item}) has value {interaction.Value}; values must be finite.");
            }

            u.Add(users.Add(interaction.User));
            it.Add(item);
            v.Add(interaction.Value);
        }

        return Build(users, catalog.Count, CollectionsMarshal.AsSpan(u), CollectionsMarshal.AsSpan(it), CollectionsMarshal.AsSpan(v), sumDuplicates);
    }

    /// <summary>
    /// Builds the matrix from interactions given as indices: users numbered by <paramref name="users"/>, items from 0 to
    /// <paramref name="itemCount"/> - 1. A repeated pair is merged into its first place, keeping the sum of its values
    /// (added in the order given) when <paramref name="sumDuplicates"/>, the last value otherwise: the same matrix as
    /// <see cref="Build(IEnumerable{Interaction}, ItemCatalog, bool, IdMap?)"/> from the same interactions by name.
    /// Linear in the interactions: the pairs are found by a counting sort by user, not a hash of pairs.
    /// </summary>
    public static InteractionMatrix Build(IdMap users, int itemCount, ReadOnlySpan<int> userIndex, ReadOnlySpan<int> itemIndex, ReadOnlySpan<float> values, bool sumDuplicates)
    {
        var n = userIndex.Length;
        if (itemIndex.Length != n || values.Length != n)
        {
            throw new ArgumentException($"User, item and value spans must have the same length ({n}, {itemIndex.Length} and {values.Length}).");
        }

        for (var e = 0; e < n; e++)
        {
            if ((uint)userIndex[e] >= (uint)users.Count || (uint)itemIndex[e] >= (uint)itemCount || !float.IsFinite(values[e]))
            {
                throw new ArgumentException($"Interaction {e} (user {userIndex[e]}, item {itemIndex[e]}, value {values[e]}) is out of range: users 0..{users.Count - 1}, items 0..{itemCount - 1}, finite values.");
            }
        }

        // first[e]: the interaction that first named e's pair. Taken user by user (each user's interactions in the order
        // given), a pair repeats where its item's last user is this one.
        var first = new int[n];
        var lastUser = new int[itemCount];
        Array.Fill(lastUser, -1);
        var lastAt = new int[itemCount];
        foreach (var e in CountingOrder(userIndex, users.Count, [.. Enumerable.Range(0, n)]))
        {
            var (user, item) = (userIndex[e], itemIndex[e]);
            if (lastUser[item] == user)
            {
                first[e] = lastAt[item];
            }
            else
            {
                (lastUser[item], lastAt[item], first[e]) = (user, e, e);
            }
        }

        var merged = values.ToArray();
        var pairs = 0;
        for (var e = 0; e < n; e++)
        {
            if (first[e] == e)
            {
                pairs++;
            }
            else
            {
                merged[first[e]] = sumDuplicates ? merged[first[e]] + values[e] : values[e];
            }
        }

        var (u, it, v) = (new int[pairs], new int[pairs], new float[pairs]);
        var at = 0;
        for (var e = 0; e < n; e++)
        {
            if (first[e] == e)
            {
                (u[at], it[at], v[at]) = (userIndex[e], itemIndex[e], merged[e]);
                at++;
            }
        }

        return new InteractionMatrix(users, itemCount, u, it, v);
    }

    /// <summary>
    /// These interactions with <paramref name="extra"/> added over the same users (the same <see cref="IdMap"/>): an
    /// extra value is summed into the pair it names, or makes a new pair. An extra interaction's user must be one the
    /// matrix holds, its item one of <paramref name="catalog"/>'s, and its value finite.
    /// </summary>
    public InteractionMatrix Plus(IEnumerable<Interaction> extra, ItemCatalog catalog)
    {
        var values = (float[])UserValues.Clone();
        var added = new Dictionary<(int User, int Item), float>();
        foreach (var interaction in extra)
        {
            if (!Users.TryGet(interaction.User, out var user))
            {
                throw new ArgumentException($"Interaction of user '{interaction.User}' adds to a matrix that does not hold that user.", nameof(extra));
            }

            if (!catalog.Items.TryGet(interaction.Item, out var item))
            {
                throw new ArgumentException($"Interaction of user '{interaction.User}' names item '{interaction.Item}', which is not in the catalogue.", nameof(extra));
            }

            if (!float.IsFinite(interaction.Value))
            {
                throw new ArgumentException($"Interaction ({interaction.User}, {interaction.Item}) has value {interaction.Value}; values must be finite.", nameof(extra));
            }

            var at = ItemsOf(user).BinarySearch(item);
            if (at >= 0)
            {
                values[UserStart[user] + at] += interaction.Value;
            }
            else
            {
                added[(user, item)] = added.GetValueOrDefault((user, item)) + interaction.Value;
            }
        }

        var userIndex = new int[Count + added.Count];
        for (var u = 0; u < Users.Count; u++)
        {
            userIndex.AsSpan(UserStart[u], UserStart[u + 1] - UserStart[u]).Fill(u);
        }

        var itemIndex = new int[userIndex.Length];
        UserItems.CopyTo(itemIndex, 0);
        Array.Resize(ref values, userIndex.Length);
        var next = Count;
        foreach (var ((user, item), value) in added)
        {
            (userIndex[next], itemIndex[next], values[next]) = (user, item, value);
            next++;
        }

        return new InteractionMatrix(Users, ItemCount, userIndex, itemIndex, values);
    }

    public void Write(BinaryWriter writer)
    {
        Users.Write(writer);
        writer.Write(ItemCount);
        writer.Write(Count);
        for (var e = 0; e < Count; e++)
        {
            writer.Write(UserIndex[e]);
            writer.Write(ItemIndex[e]);
            writer.Write(Values[e]);
        }
    }

    public static InteractionMatrix Read(BinaryReader reader)
    {
        var users = IdMap.Read(reader);
        var items = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (items < 0 || count < 0)
        {
            throw new InvalidDataException("Negative interaction counts.");
        }

        var u = new int[count];
        var it = new int[count];
        var v = new float[count];
        for (var e = 0; e < count; e++)
        {
            u[e] = reader.ReadInt32();
            it[e] = reader.ReadInt32();
            v[e] = reader.ReadSingle();
            if ((uint)u[e] >= (uint)users.Count || (uint)it[e] >= (uint)items)
            {
                throw new InvalidDataException($"Interaction {e} refers to a user or item that does not exist.");
            }
        }

        return new InteractionMatrix(users, items, u, it, v);
    }
}
