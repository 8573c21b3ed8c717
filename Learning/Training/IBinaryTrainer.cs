using NetflixML.Learning.Data;
using NetflixML.Learning.Models;

namespace NetflixML.Learning.Training;

/// <summary>A trainer: options fixed at construction, Fit validates its input and returns an immutable model.</summary>
public interface IBinaryTrainer
{
    string Name { get; }

    BinaryClassifier Fit(TabularData data);
}
