"""Reference lists for synthetic people and companies: names, places, industries.

Surname weights follow the published shares of the most common Chinese surnames (王 and 李 about
7% each, 张 6.7%, 刘 5.4%, 陈 4.6% …); given names are the most frequent ones, rank-weighted, so
common full names (王伟, 张敏, 李静 …) repeat among different people as they do in real CRMs.
"""

from __future__ import annotations

# (surname, pinyin, share in percent)
SURNAMES = [
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7), ("刘", "liu", 5.4),
    ("陈", "chen", 4.6), ("杨", "yang", 3.1), ("黄", "huang", 2.2), ("赵", "zhao", 2.2),
    ("吴", "wu", 2.0), ("周", "zhou", 1.9), ("徐", "xu", 1.6), ("孙", "sun", 1.5),
    ("马", "ma", 1.4), ("朱", "zhu", 1.3), ("胡", "hu", 1.3), ("郭", "guo", 1.1),
    ("何", "he", 1.1), ("林", "lin", 1.0), ("高", "gao", 1.0), ("罗", "luo", 1.0),
    ("郑", "zheng", 0.9), ("梁", "liang", 0.9), ("谢", "xie", 0.8), ("宋", "song", 0.7),
    ("唐", "tang", 0.7), ("许", "xu", 0.7), ("韩", "han", 0.6), ("冯", "feng", 0.6),
    ("邓", "deng", 0.6), ("曹", "cao", 0.6), ("彭", "peng", 0.6), ("曾", "zeng", 0.6),
    ("肖", "xiao", 0.6), ("田", "tian", 0.5), ("董", "dong", 0.5), ("袁", "yuan", 0.5),
    ("潘", "pan", 0.5), ("于", "yu", 0.5), ("蒋", "jiang", 0.5), ("蔡", "cai", 0.5),
    ("余", "yu", 0.5), ("杜", "du", 0.5), ("叶", "ye", 0.4), ("程", "cheng", 0.4),
    ("苏", "su", 0.4), ("魏", "wei", 0.4), ("吕", "lv", 0.4), ("丁", "ding", 0.4),
    ("任", "ren", 0.4), ("沈", "shen", 0.4), ("姚", "yao", 0.4), ("卢", "lu", 0.4),
    ("姜", "jiang", 0.3), ("崔", "cui", 0.3), ("钟", "zhong", 0.3), ("谭", "tan", 0.3),
    ("陆", "lu", 0.3), ("汪", "wang", 0.3), ("范", "fan", 0.3), ("金", "jin", 0.3),
    ("石", "shi", 0.3), ("廖", "liao", 0.3), ("贾", "jia", 0.3), ("夏", "xia", 0.3),
    ("韦", "wei", 0.3), ("付", "fu", 0.3), ("方", "fang", 0.3), ("白", "bai", 0.3),
    ("邹", "zou", 0.3), ("孟", "meng", 0.3), ("熊", "xiong", 0.3), ("秦", "qin", 0.3),
    ("邱", "qiu", 0.3), ("江", "jiang", 0.3), ("尹", "yin", 0.2), ("薛", "xue", 0.2),
    ("闫", "yan", 0.2), ("段", "duan", 0.2), ("雷", "lei", 0.2), ("侯", "hou", 0.2),
    ("龙", "long", 0.2), ("史", "shi", 0.2), ("陶", "tao", 0.2), ("黎", "li", 0.2),
    ("贺", "he", 0.2), ("顾", "gu", 0.2), ("毛", "mao", 0.2), ("郝", "hao", 0.2),
    ("龚", "gong", 0.2), ("邵", "shao", 0.2), ("万", "wan", 0.2), ("钱", "qian", 0.2),
    ("严", "yan", 0.2), ("覃", "qin", 0.2), ("武", "wu", 0.2), ("戴", "dai", 0.2),
    ("莫", "mo", 0.2), ("孔", "kong", 0.2), ("向", "xiang", 0.2), ("汤", "tang", 0.2),
    ("欧阳", "ouyang", 0.05), ("上官", "shangguan", 0.01), ("诸葛", "zhuge", 0.01),
    ("司马", "sima", 0.01),
]  # fmt: skip

# (given name, pinyin), most frequent first; weight ∝ 1 / rank**0.8.
GIVEN_NAMES = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("秀英", "xiuying"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("洋", "yang"),
    ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("超", "chao"), ("明", "ming"), ("霞", "xia"), ("秀兰", "xiulan"),
    ("刚", "gang"), ("平", "ping"), ("燕", "yan"), ("辉", "hui"), ("玲", "ling"),
    ("桂英", "guiying"), ("丹", "dan"), ("萍", "ping"), ("鹏", "peng"), ("华", "hua"),
    ("红", "hong"), ("玉兰", "yulan"), ("飞", "fei"), ("桂兰", "guilan"), ("英", "ying"),
    ("梅", "mei"), ("鑫", "xin"), ("波", "bo"), ("斌", "bin"), ("宇", "yu"),
    ("浩", "hao"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("帆", "fan"),
    ("帅", "shuai"), ("旭", "xu"), ("宁", "ning"), ("婷", "ting"), ("雪", "xue"),
    ("琳", "lin"), ("欢", "huan"), ("倩", "qian"), ("颖", "ying"), ("晶", "jing"),
    ("慧", "hui"), ("佳", "jia"), ("莉", "li"), ("建华", "jianhua"), ("建国", "jianguo"),
    ("建军", "jianjun"), ("志强", "zhiqiang"), ("志明", "zhiming"), ("海燕", "haiyan"),
    ("晓燕", "xiaoyan"), ("婷婷", "tingting"), ("丽娟", "lijuan"), ("文", "wen"),
    ("子涵", "zihan"), ("浩然", "haoran"), ("欣怡", "xinyi"), ("宇轩", "yuxuan"),
    ("一鸣", "yiming"), ("思远", "siyuan"), ("雨桐", "yutong"), ("诗涵", "shihan"),
    ("子轩", "zixuan"), ("俊杰", "junjie"), ("晓东", "xiaodong"), ("晓明", "xiaoming"),
    ("春梅", "chunmei"), ("国强", "guoqiang"), ("红梅", "hongmei"), ("小红", "xiaohong"),
    ("金凤", "jinfeng"), ("玉梅", "yumei"), ("海涛", "haitao"), ("立新", "lixin"),
    ("振华", "zhenhua"), ("永强", "yongqiang"), ("文杰", "wenjie"), ("天宇", "tianyu"),
    ("嘉欣", "jiaxin"), ("佳怡", "jiayi"), ("梦琪", "mengqi"), ("雅婷", "yating"),
    ("思琪", "siqi"), ("博文", "bowen"), ("明轩", "mingxuan"), ("泽宇", "zeyu"),
]  # fmt: skip

ENGLISH_FIRST_NAMES = [
    "David", "Michael", "Kevin", "Jason", "Tony", "Jack", "Eric", "Peter", "Alan", "Frank",
    "Lucy", "Amy", "Grace", "Cindy", "Helen", "Linda", "Vivian", "Jessica", "Emma", "Sophie",
]  # fmt: skip
FOREIGN_SURNAMES = ["Smith", "Johnson", "Brown", "Miller", "Tanaka", "Kim", "Nguyen", "Lee"]

# (province, city, region, area code, weight); municipalities have province == city.
CITIES = [
    ("上海", "上海", "华东", "021", 6.0), ("北京", "北京", "华北", "010", 5.5),
    ("广东", "广州", "华南", "020", 4.5), ("广东", "深圳", "华南", "0755", 5.0),
    ("广东", "东莞", "华南", "0769", 1.8), ("广东", "佛山", "华南", "0757", 1.6),
    ("浙江", "杭州", "华东", "0571", 4.2), ("浙江", "宁波", "华东", "0574", 1.8),
    ("浙江", "温州", "华东", "0577", 1.2), ("江苏", "南京", "华东", "025", 2.8),
    ("江苏", "苏州", "华东", "0512", 3.0), ("江苏", "无锡", "华东", "0510", 1.3),
    ("山东", "济南", "华东", "0531", 1.5), ("山东", "青岛", "华东", "0532", 1.8),
    ("福建", "福州", "华东", "0591", 1.2), ("福建", "厦门", "华东", "0592", 1.3),
    ("安徽", "合肥", "华东", "0551", 1.5), ("江西", "南昌", "华东", "0791", 0.9),
    ("天津", "天津", "华北", "022", 1.8), ("河北", "石家庄", "华北", "0311", 1.0),
    ("山西", "太原", "华北", "0351", 0.7), ("内蒙古", "呼和浩特", "华北", "0471", 0.4),
    ("湖北", "武汉", "华中", "027", 2.5), ("湖南", "长沙", "华中", "0731", 2.0),
    ("河南", "郑州", "华中", "0371", 2.0), ("四川", "成都", "西南", "028", 3.2),
    ("重庆", "重庆", "西南", "023", 2.4), ("云南", "昆明", "西南", "0871", 1.0),
    ("贵州", "贵阳", "西南", "0851", 0.7), ("广西", "南宁", "华南", "0771", 0.8),
    ("海南", "海口", "华南", "0898", 0.5), ("陕西", "西安", "西北", "029", 2.0),
    ("甘肃", "兰州", "西北", "0931", 0.5), ("新疆", "乌鲁木齐", "西北", "0991", 0.5),
    ("宁夏", "银川", "西北", "0951", 0.2), ("青海", "西宁", "西北", "0971", 0.2),
    ("辽宁", "沈阳", "东北", "024", 1.2), ("辽宁", "大连", "东北", "0411", 1.2),
    ("吉林", "长春", "东北", "0431", 0.8), ("黑龙江", "哈尔滨", "东北", "0451", 0.9),
]  # fmt: skip

ROADS = [
    "人民路", "中山路", "解放路", "建设路", "文化路", "和平路", "新华路", "长江路", "科技路",
    "东风路", "滨江大道", "世纪大道", "学院路", "工业园路", "创业路", "青年路",
]  # fmt: skip

# (industry, company-name suffix, domain suffix)
INDUSTRIES = [
    ("制造业", "机械制造", "mfg"), ("零售", "商贸", "trade"), ("互联网", "网络科技", "tech"),
    ("教育", "教育咨询", "edu"), ("医疗健康", "医疗器械", "med"), ("金融", "投资管理", "fin"),
    ("餐饮", "餐饮管理", "food"), ("物流", "供应链管理", "logistics"),
    ("建筑", "建设工程", "build"), ("专业服务", "企业管理咨询", "consult"),
    ("文化传媒", "文化传媒", "media"), ("电子商务", "电子商务", "shop"),
]  # fmt: skip
INDUSTRY_WEIGHTS = [14, 12, 13, 8, 7, 5, 7, 6, 6, 9, 6, 7]

COMPANY_WORDS = [
    ("云帆", "yunfan"), ("华信", "huaxin"), ("恒达", "hengda"), ("鼎盛", "dingsheng"),
    ("瑞丰", "ruifeng"), ("博远", "boyuan"), ("天成", "tiancheng"), ("众联", "zhonglian"),
    ("汇通", "huitong"), ("新锐", "xinrui"), ("金桥", "jinqiao"), ("海纳", "haina"),
    ("远景", "yuanjing"), ("宏图", "hongtu"), ("思创", "sichuang"), ("东方", "dongfang"),
    ("安泰", "antai"), ("嘉禾", "jiahe"), ("盛世", "shengshi"), ("锦程", "jincheng"),
    ("星辰", "xingchen"), ("易达", "yida"), ("卓越", "zhuoyue"), ("智联", "zhilian"),
    ("同创", "tongchuang"), ("正信", "zhengxin"), ("国泰", "guotai"), ("中和", "zhonghe"),
    ("明德", "mingde"), ("长风", "changfeng"), ("青禾", "qinghe"), ("优品", "youpin"),
]  # fmt: skip

COMPANY_SIZES = ["1-20人", "21-100人", "101-500人", "501-2000人", "2000人以上"]
COMPANY_SIZE_WEIGHTS = [38, 32, 18, 8, 4]

EMAIL_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com",
                 "foxmail.com", "hotmail.com"]  # fmt: skip
EMAIL_DOMAIN_WEIGHTS = [34, 22, 10, 8, 8, 6, 8, 4]

# Mobile prefixes (1[3-9]x) with rough shares of issued numbers.
MOBILE_PREFIXES = [
    ("130", 3), ("131", 3), ("132", 3), ("133", 3), ("134", 3), ("135", 5), ("136", 5),
    ("137", 5), ("138", 6), ("139", 6), ("147", 1), ("150", 3), ("151", 3), ("152", 3),
    ("153", 2), ("155", 2), ("156", 2), ("157", 2), ("158", 3), ("159", 3), ("166", 1),
    ("173", 1), ("175", 1), ("176", 2), ("177", 2), ("178", 1), ("180", 2), ("181", 2),
    ("182", 2), ("183", 2), ("185", 2), ("186", 3), ("187", 3), ("188", 3), ("189", 3),
    ("191", 1), ("198", 1), ("199", 1),
]  # fmt: skip

SALES_REPS = ["张敏", "李娜", "王磊", "刘洋", "陈静", "杨帆", "赵强", "Lucy Chen"]
SALES_REP_WEIGHTS = [16, 15, 15, 14, 13, 11, 9, 7]

# Acquisition channels: (channel, weight, paid, cost per acquired customer ¥)
ACQUISITION_CHANNELS = [
    ("自然搜索", 20, False, 0.0), ("百度推广", 16, True, 620.0), ("抖音广告", 15, True, 380.0),
    ("微信广告", 13, True, 450.0), ("小红书", 9, True, 300.0), ("线下展会", 7, True, 1500.0),
    ("电话销售", 8, False, 0.0), ("客户推荐", 12, False, 0.0),
]  # fmt: skip
TRADE_FAIR_MONTHS = (3, 6, 9, 11)

# Characters for the long tail of two-character given names, with pinyin.
GIVEN_CHARS = [
    ("子", "zi"), ("梓", "zi"), ("浩", "hao"), ("宇", "yu"), ("欣", "xin"), ("怡", "yi"),
    ("思", "si"), ("雨", "yu"), ("嘉", "jia"), ("俊", "jun"), ("晨", "chen"), ("博", "bo"),
    ("文", "wen"), ("志", "zhi"), ("建", "jian"), ("晓", "xiao"), ("海", "hai"), ("春", "chun"),
    ("秋", "qiu"), ("明", "ming"), ("德", "de"), ("立", "li"), ("永", "yong"), ("国", "guo"),
    ("家", "jia"), ("泽", "ze"), ("睿", "rui"), ("航", "hang"), ("梦", "meng"), ("雅", "ya"),
    ("静", "jing"), ("琪", "qi"), ("涵", "han"), ("轩", "xuan"), ("然", "ran"), ("辰", "chen"),
    ("安", "an"), ("诗", "shi"), ("可", "ke"), ("心", "xin"), ("玉", "yu"), ("凤", "feng"),
    ("丽", "li"), ("萍", "ping"), ("敏", "min"), ("婉", "wan"), ("清", "qing"), ("一", "yi"),
    ("天", "tian"), ("昊", "hao"), ("鹏", "peng"), ("程", "cheng"), ("云", "yun"), ("峰", "feng"),
    ("林", "lin"), ("婷", "ting"), ("颖", "ying"), ("佳", "jia"), ("悦", "yue"), ("瑶", "yao"),
]  # fmt: skip

# Area codes whose local numbers have 7 digits (the others have 8).
SEVEN_DIGIT_AREA_CODES = {"0592", "0351", "0471", "0771", "0931", "0991", "0951", "0971"}
