namespace NetflixML.Features.Synthetic;

/// <summary>
/// Value sets and their frequencies, read off the real files in ../shared/data/netflix-2025-user-behavior
/// (users, movies, reviews, search_logs); the two missing tables use the values their schemas imply.
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] Genres =
    [
        "Action", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary", "Drama", "Family",
        "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Sci-Fi", "Sport", "Thriller", "War", "Western",
    ];

    public static readonly string[] Plans = ["Basic", "Standard", "Premium", "Premium+"];
    public static readonly double[] PlanWeights = [2020, 3625, 3619, 1036];

    public static readonly string[] Genders = ["Female", "Male", "Prefer not to say", "Other"];
    public static readonly double[] GenderWeights = [4324, 4228, 471, 453];

    public static readonly string[] UsStates =
    [
        "North Carolina", "Tennessee", "Texas", "Indiana", "California", "Arizona", "Wisconsin", "Georgia", "Virginia",
        "Michigan", "Pennsylvania", "Illinois", "Florida", "Ohio", "Maryland", "New York", "New Jersey", "Missouri",
        "Massachusetts", "Washington",
    ];

    public static readonly string[] CanadianProvinces =
    [
        "Nova Scotia", "Quebec", "Ontario", "Prince Edward Island", "Alberta", "British Columbia",
        "Newfoundland and Labrador", "Manitoba", "New Brunswick", "Saskatchewan",
    ];

    public static readonly string[] PrimaryDevices = ["Desktop", "Tablet", "Laptop", "Smart TV", "Gaming Console", "Mobile"];

    /// <summary>Devices seen in the event logs (reviews and searches use these four).</summary>
    public static readonly string[] EventDevices = ["Mobile", "Smart TV", "Tablet", "Laptop"];

    public static readonly string[] ContentTypes = ["Movie", "TV Series", "Documentary", "Stand-up Comedy", "Limited Series"];
    public static readonly double[] ContentTypeWeights = [458, 267, 142, 119, 54];

    public static readonly string[] Certificates = ["TV-Y", "NC-17", "TV-MA", "TV-Y7", "TV-14", "PG", "G", "PG-13", "TV-PG", "R", "TV-G"];
    public static readonly double[] CertificateWeights = [104, 103, 100, 100, 99, 97, 97, 95, 91, 80, 74];

    public static readonly string[] Languages = ["English", "Spanish", "French", "Hindi", "Japanese", "Italian", "Korean", "German"];
    public static readonly double[] LanguageWeights = [608, 103, 67, 60, 55, 53, 53, 41];

    public static readonly string[] Countries = ["USA", "South Korea", "Canada", "UK", "Japan", "Germany", "France", "India"];
    public static readonly double[] CountryWeights = [543, 118, 102, 88, 57, 48, 44, 40];

    public static readonly string[] TitleWordsA =
    [
        "Dragon", "Storm", "Fire", "Our", "Dark", "Secret", "Old", "Lost", "Last", "Silent", "Broken", "Golden",
        "Hidden", "Wild", "Midnight", "Crimson", "Frozen", "Eternal", "Final", "Shadow", "A", "The", "Iron", "Blue",
        "Mystery", "Story", "Night", "City", "Ocean", "Winter",
    ];

    public static readonly string[] TitleWordsB =
    [
        "Legend", "Warrior", "Family", "Princess", "House", "Mission", "Quest", "Adventure", "Mystery", "Kingdom",
        "Journey", "Promise", "Empire", "Heart", "Road", "Game", "Code", "Garden", "Dream", "Secret", "River",
        "Child", "Hunter", "Signal", "Island", "Chronicles", "Protocol", "Letters", "Witness", "Horizon",
    ];

    public static readonly string[] WatchActions = ["started", "completed", "stopped", "paused"];
    public static readonly double[] WatchActionWeights = [25, 40, 20, 15];

    public static readonly string[] Qualities = ["HD", "4K", "SD", "Ultra HD"];
    public static readonly double[] QualityWeights = [45, 20, 25, 10];

    public static readonly string[] RecommendationTypes = ["collaborative_filtering", "content_based", "trending", "similar_users", "because_you_watched"];
    public static readonly double[] RecommendationTypeWeights = [30, 25, 15, 15, 15];

    public static readonly string[] TimesOfDay = ["morning", "afternoon", "evening", "night"];
    public static readonly double[] TimeOfDayWeights = [15, 25, 40, 20];

    public static readonly string[] AlgorithmVersions = ["v1.0", "v1.1", "v2.0", "v2.1", "v3.0"];

    public static readonly string[] SearchQueries =
    [
        "stand up comedy", "comedy shows", "sci-fi", "classic movies", "superhero movies", "travel documentaries",
        "new releases", "drama series", "horror movies", "family movies", "romantic comedies", "trending now",
        "thriller series", "netflix originals", "true crime", "cooking shows", "war movies", "christmas movies",
        "action movies", "documentaries", "biographies", "animated shows", "korean drama", "music documentaries",
        "halloween movies", "movies based on true stories", "short episodes under 30 minutes",
        "shows with strong female leads", "movies like stranger things", "best movies 2024",
        "award winning documentaries", "series with only one season",
    ];

    public static readonly double[] SearchQueryWeights =
    [
        1021, 1007, 1001, 995, 992, 983, 978, 975, 971, 970, 969, 963, 955, 955, 953, 941, 935, 932, 929, 929, 919, 918,
        882, 881, 872, 408, 403, 394, 378, 372, 365, 354,
    ];

    public static readonly string[] PositiveReviews =
    [
        "This series is a masterpiece!", "Outstanding direction and screenplay.",
        "Absolutely loved this movie. Great acting and storyline.", "One of the best series I've ever watched. Highly recommend!",
        "Amazing show! Couldn't stop watching.", "Perfect blend of drama and action.", "Brilliant performance by the cast. Must watch!",
        "Incredible story telling. Kept me engaged throughout.", "Fantastic cinematography and plot twists.",
        "This movie exceeded my expectations.",
    ];

    public static readonly string[] NeutralReviews =
    [
        "It was okay. Nothing special.", "Mixed feelings about this one.", "Has its moments but overall average.",
        "Watchable but predictable.", "Average movie. Some good moments.", "Could have been better.",
        "Decent watch but forgettable.", "Okay for a one-time watch.", "It's fine for background watching.",
        "Not bad but not great either.",
    ];

    public static readonly string[] NegativeReviews =
    [
        "Not worth the time. Very predictable.", "Slow paced and boring.", "Overhyped. Didn't live up to expectations.",
        "Confusing plot. Hard to follow.", "Waste of time. Poor character development.", "Poor acting and weak plot.",
        "Boring storyline, couldn't finish watching.", "Not my cup of tea. Too violent.", "Terrible script and direction.",
        "Disappointing. Expected much more.",
    ];

    /// <summary>Top-10 study certificates (the US film and TV ratings it used).</summary>
    public static readonly string[] TitleCertificates = ["G", "PG", "PG-13", "R", "TV-14", "TV-MA", "TV-PG", "TV-Y7"];
    public static readonly double[] TitleCertificateWeights = [5, 10, 18, 17, 20, 22, 5, 3];
}
