namespace NetflixML.Scoring.Api.Contracts;

/// <summary>Subscribers in one country.</summary>
/// <param name="Country">Country (Unknown where the data has none).</param>
/// <param name="Subscribers">Subscribers.</param>
public sealed record CountryCount(string Country, int Subscribers);

/// <summary>Subscribers with one value of a field (a plan, a device).</summary>
/// <param name="Label">The value.</param>
/// <param name="Subscribers">Subscribers.</param>
public sealed record LabelCount(string Label, int Subscribers);

/// <summary>Subscription plans and primary devices of one country's subscribers (the two pie charts).</summary>
/// <param name="Country">The country.</param>
/// <param name="Subscribers">Its subscribers.</param>
/// <param name="Plans">Subscribers per plan, largest first.</param>
/// <param name="Devices">Subscribers per primary device, largest first.</param>
public sealed record PlansAndDevices(string Country, int Subscribers, IReadOnlyList<LabelCount> Plans, IReadOnlyList<LabelCount> Devices);

/// <summary>One country's subscribers per plan, in the order of <see cref="PlansAcrossCountries.Plans"/>.</summary>
/// <param name="Country">The country.</param>
/// <param name="Subscribers">Subscribers per plan.</param>
public sealed record CountryPlans(string Country, IReadOnlyList<int> Subscribers);

/// <summary>Plans across countries (the stacked bar).</summary>
/// <param name="Plans">Every plan, the stacking order.</param>
/// <param name="Countries">Each country's subscribers per plan, largest country first.</param>
public sealed record PlansAcrossCountries(IReadOnlyList<string> Plans, IReadOnlyList<CountryPlans> Countries);

/// <summary>Subscribers per country on one plan.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="Countries">Subscribers per country, largest first.</param>
public sealed record UsersPerCountry(string Plan, IReadOnlyList<CountryCount> Countries);

/// <summary>How much one genre is watched (a title counts for each of its genres).</summary>
/// <param name="Genre">Genre.</param>
/// <param name="Views">Viewing sessions of its titles.</param>
/// <param name="Viewers">Distinct subscribers who watched one.</param>
/// <param name="Hours">Hours watched.</param>
/// <param name="Titles">Distinct titles watched.</param>
public sealed record GenrePopularity(string Genre, int Views, int Viewers, double Hours, int Titles);

/// <summary>The distribution of ratings (1-5) of one genre's titles: a box of the quartiles.</summary>
/// <param name="Genre">Genre.</param>
/// <param name="Ratings">Ratings given.</param>
/// <param name="Mean">Mean rating.</param>
/// <param name="Min">Lowest rating.</param>
/// <param name="Q1">First quartile (linear interpolation between order statistics).</param>
/// <param name="Median">Median.</param>
/// <param name="Q3">Third quartile.</param>
/// <param name="Max">Highest rating.</param>
public sealed record GenreRatings(string Genre, int Ratings, double Mean, double Min, double Q1, double Median, double Q3, double Max);

/// <summary>Minutes one subscriber watched on each device, in the order of <see cref="DeviceEngagement.Devices"/>.</summary>
/// <param name="UserId">Subscriber id.</param>
/// <param name="TotalMinutes">Minutes watched on every device.</param>
/// <param name="Minutes">Minutes per device.</param>
public sealed record SubscriberEngagement(string UserId, double TotalMinutes, IReadOnlyList<double> Minutes);

/// <summary>Device engagement of the most active subscribers (the heatmap).</summary>
/// <param name="Devices">Every device type, the columns.</param>
/// <param name="Subscribers">The most active subscribers by minutes watched, the rows.</param>
public sealed record DeviceEngagement(IReadOnlyList<string> Devices, IReadOnlyList<SubscriberEngagement> Subscribers);

/// <summary>A title in a similarity matrix.</summary>
/// <param name="TitleId">Title id.</param>
/// <param name="Name">Title name.</param>
/// <param name="Viewers">Distinct subscribers who watched it.</param>
public sealed record TitleViewers(string TitleId, string Name, int Viewers);

/// <summary>How alike a set of titles' audiences are (the similarity matrix).</summary>
/// <param name="Measure">How similarity is measured.</param>
/// <param name="Titles">The titles, rows and columns in this order.</param>
/// <param name="Similarity">Similarity of each pair, 0-1 (1 on the diagonal).</param>
/// <param name="SharedViewers">Subscribers who watched both.</param>
public sealed record TitleSimilarity(string Measure, IReadOnlyList<TitleViewers> Titles, IReadOnlyList<IReadOnlyList<double>> Similarity, IReadOnlyList<IReadOnlyList<int>> SharedViewers);

/// <summary>Viewing that flows from one group of subscribers to one genre.</summary>
/// <param name="Source">The subscriber group (a plan, device, country or age band).</param>
/// <param name="Genre">The genre (Other for the genres outside the top ones).</param>
/// <param name="Views">Viewing sessions.</param>
public sealed record GenreFlow(string Source, string Genre, int Views);

/// <summary>Subscriber-to-genre flows (the flow diagram).</summary>
/// <param name="GroupedBy">plan, device, country or age.</param>
/// <param name="Sources">The subscriber groups, largest first.</param>
/// <param name="Genres">The genres shown, most watched first, then Other.</param>
/// <param name="Flows">Views from each group to each genre.</param>
public sealed record GenreFlows(string GroupedBy, IReadOnlyList<string> Sources, IReadOnlyList<string> Genres, IReadOnlyList<GenreFlow> Flows);
